/**
 * The computational engine under the models and trainers: the {@link org.sdlgm.engine.Tape} that
 * routes a backward pass through Java kernels ({@link org.sdlgm.engine.RelaxedLatent} and the
 * selection and relaxation kernels it uses), per-part gradients and the fused Adam update, the
 * {@link org.sdlgm.engine.Workers} that share a batch, shared batch noise, and every call specific
 * to libtorch ({@code ai.djl.pytorch}); everything else in the library uses DJL's engine-neutral
 * API only.
 *
 * <p>Internal: not part of the library's API and free to change between releases. Its types are
 * public only so that the model, evaluation and training packages can use them. It depends on
 * nothing of sdlgm but the root package and {@code util} (an architecture test checks it), so the
 * kernels take configuration values as plain numbers.
 */
package org.sdlgm.engine;
