/* edits_fast.h - what a caller running many edits on many records (check.c) uses beyond the
 * public API: an edit's pure opening copied into the caller's own packed array, so that the
 * common outcome (the opening decides PASS) reads one contiguous block per edit and never
 * the edit itself; and the VM run without the opening test. */
#ifndef CRTK_EDITS_FAST_H
#define CRTK_EDITS_FAST_H

#include "crtk/edits.h"

#include <stdbool.h>
#include <stddef.h>

/* Bytes of the edit's pure opening as a self-contained block (0: the edit has none, or its
 * instruction budget is too small for the opening to be decided outside the VM). The block
 * points into the edit (compiled masks and lists): it lives as long as the edit. */
size_t crtk__edits_prefilter_size(const crtk_edit *e);
/* Copy it to dst (8-byte aligned, crtk__edits_prefilter_size bytes). */
void crtk__edits_prefilter_copy(const crtk_edit *e, void *dst);
/* True when the opening alone makes the edit pass for these values. */
bool crtk__edits_prefilter_block_pass(const void *block, crtk_edit_value_fn value, void *ctx);
/* crtk_edit_run without the opening test (the caller made it). */
int crtk__edits_run_vm(const crtk_edit *e,
                       crtk_edit_state *st,
                       crtk_edit_value_fn value,
                       void *ctx,
                       crtk_edit_result *res);

#endif
