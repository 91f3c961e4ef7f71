/**
 * Search over sparse codes with Apache Lucene: {@link org.sdlgm.index.CodeIndexWriter} writes an
 * index whose documents carry their codes as weighted terms (one per active dimension), {@link
 * org.sdlgm.index.CodeIndex} ranks its documents by the exact dot product with a query code, {@link
 * org.sdlgm.index.ExactSearch} does the same by brute force for comparison, and {@link
 * org.sdlgm.index.IndexInfo} is the metadata that ties an index to the model whose codes it holds
 * (docs/search.md).
 */
package org.sdlgm.index;
