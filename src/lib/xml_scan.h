/* xml_scan.h - a byte pre-scanner run ahead of libxml2's push parser (xml_reader.c). It
 * follows the XML markup (tags, attribute quoting, comments, PIs, CDATA) without building
 * anything, to (1) find where the parser should be fed to: just past the tag that opens the
 * document element or closes one of its children (a Patient), so that each xmlParseChunk
 * call completes at most one Patient; (2) refuse hostile markup before libxml2 spends
 * superlinear time on it: too many attributes on one element, over-long names, attribute
 * values and markup constructs; (3) tell the reader when a construct is still open at the
 * end of the bytes it has, so that it is handed to libxml2 whole (libxml2 2.9 rescans an
 * unfinished tag on every chunk). Line numbers count LF bytes, as libxml2 does; they are
 * counted once per call, word by word, not byte by byte as the markup is followed.
 * Only ASCII-compatible encodings (UTF-8, ISO-8859-*, windows-125*) can be scanned; for the
 * others the reader feeds byte by byte (see xml_reader.c). */
#ifndef CRTK_XML_SCAN_H
#define CRTK_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#define CRTK_XML_MAX_ATTRS      256u        /* attributes (namespace declarations included) */
#define CRTK_XML_MAX_NAME       256u        /* bytes of an element or attribute name */
#define CRTK_XML_MAX_ATTR_VALUE (64u << 10) /* bytes of one attribute value */
#define CRTK_XML_MAX_MARKUP     (4u << 20)  /* bytes of one tag, comment, PI or CDATA section */

typedef struct crtk__xscan {
    int state;
    int sub;         /* progress through a terminator ("-->", "]]>", "?>") or "<![CDATA[" */
    long depth;      /* open elements */
    long line;       /* during a call: line of p[counted]; after it, of the next byte */
    long tag_line;   /* line where the construct in progress began (after a call) */
    size_t counted;  /* during a call: the bytes before p[counted] have had their LFs counted */
    size_t tag_pos;  /* during a call: where the last construct began in p, SIZE_MAX none */
    size_t mark_len; /* bytes of the construct in progress */
    size_t name_len, nattrs, vlen;
    char quote;
    char name[64]; /* start of the element name, for messages */
    bool open;     /* a construct is in progress (its bytes should not be fed yet) */
    bool lost;     /* markup the scanner does not follow (a DOCTYPE): no boundaries */
    bool broken;   /* markup that is not well-formed: no boundaries (libxml2 says where) */
    long err_line;
    char err[160];
} crtk__xscan;

void crtk__xscan_init(crtk__xscan *s);

/* Scan p[0..n). Returns the number of bytes consumed: just past the first boundary (the
 * '>' of a tag that opens the document element or brings the depth back to 1 or 0), or n
 * when there is none. *boundary tells which. *open_at (when a construct is still open at
 * the end) receives the offset where it began, when it began inside p, else 0.
 * Returns -1 when a limit is exceeded (s->err, s->err_line). */
long crtk__xscan_run(crtk__xscan *s, const char *p, size_t n, bool *boundary, size_t *open_at);

#endif
