/**
 * The sdlgm HTTP service: {@link org.sdlgm.server.SdlgmServer} serves a trained coder or tagger as
 * a JSON API (encode, predict, search over a code index, model description, examples, health,
 * Prometheus metrics, an OpenAPI document) and a web page, with concurrent requests micro-batched
 * into shared forward passes. {@link org.sdlgm.server.ServerConfig} says what to serve and with
 * which limits. docs/server.md describes the API.
 */
package org.sdlgm.server;
