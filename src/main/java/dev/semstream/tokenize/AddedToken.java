package dev.semstream.tokenize;

/**
 * One entry of tokenizer.json's {@code added_tokens}: text (usually a special token such as
 * {@code [CLS]}) that Hugging Face cuts out of the input before normalizing, and maps straight to
 * its id. Field meanings are HF's.
 *
 * @param id         token id
 * @param content    the exact text to find
 * @param singleWord match only when not glued to word characters on either side
 * @param lstrip     swallow whitespace on the left of a match
 * @param rstrip     swallow whitespace on the right of a match
 * @param normalized match against the normalized text instead of the raw input
 * @param special    a special token (only matters to decoding, kept for completeness)
 */
record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                  boolean normalized, boolean special) {
}
