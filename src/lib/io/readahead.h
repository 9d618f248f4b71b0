/* readahead.h - a reader on its own thread: it parses patients ahead into a ring of records
 * while the caller works on the current one, so reading (XML parsing is most of a read)
 * overlaps the caller's work on a second core. Records come out in file order. */
#ifndef CRTK_READAHEAD_H
#define CRTK_READAHEAD_H

#include "crtk/reader.h"
#include "crtk/record.h"

typedef struct crtk__readahead crtk__readahead;

/* Start reading rd (borrowed; only the read-ahead thread touches it until free) into a ring
 * of `depth` records (at least 2). */
int crtk__readahead_start(crtk__readahead **out, crtk_reader *rd, int depth);
/* The next patient: 1 and *rec (borrowed until the next call), 0 at the end, or the
 * reader's negative status (crtk_reader_error(rd) tells, once this returned). */
int crtk__readahead_next(crtk__readahead *ra, const crtk_record **rec);
/* Bytes of the input consumed when the record last returned by next had been read (for
 * progress display). */
long long crtk__readahead_offset(const crtk__readahead *ra);
/* Stop the thread (wherever it is) and free. Accepts NULL. */
void crtk__readahead_free(crtk__readahead *ra);

#endif
