package org.sdlgm.index;

/**
 * One document found by {@link CodeIndex#search}: its document number (the order in which it was
 * added, from 0), its id and label as stored (label null when the data had none), the exact dot
 * product of the query's code with its code, its code (active dimensions ascending, with their
 * values) and its raw input row (null when the index stores no inputs).
 *
 * @param doc the document number, 0-based, in the order the documents were added
 * @param id the document's id
 * @param label the document's label, or null
 * @param score the exact dot product of query and document codes
 * @param indices the document's active dimensions, ascending
 * @param values the values of those dimensions
 * @param input the document's raw input row, or null when not stored
 */
public record SearchHit(
    int doc, String id, String label, double score, int[] indices, float[] values, float[] input) {}
