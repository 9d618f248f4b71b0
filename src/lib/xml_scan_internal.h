/* xml_scan_internal.h - bound XML tags from their bytes, before libxml2 parses them (so that
 * every input is read in time proportional to its size). Used by the XML and dictionary
 * readers. */
#ifndef CRTK_XML_SCAN_INTERNAL_H
#define CRTK_XML_SCAN_INTERNAL_H

#include <stddef.h>
#include "crtk/error.h"

#define CRTK_XML_MAX_ATTRS      256        /* attributes (and namespace declarations) per tag */
#define CRTK_XML_MAX_NAME       1024       /* bytes in an element or attribute name */
#define CRTK_XML_MAX_ATTR_VALUE (1u << 20) /* bytes in an attribute value */

typedef struct crtk__xml_scanner {
    enum {
        CRTK__XS_TEXT,
        CRTK__XS_LT,
        CRTK__XS_NAME,
        CRTK__XS_TAG,
        CRTK__XS_QUOTE,
        CRTK__XS_BANG,
        CRTK__XS_SKIP
    } st;
    char q;          /* the quote that opened the attribute value */
    const char *end; /* terminator skipped to: "-->", "]]>", "?>", ">" */
    char last[2];    /* the two bytes before the current one */
    char bang[8];    /* bytes after "<!" */
    size_t nbang, name, aname, val;
    unsigned attrs;
    char tag[40]; /* the tag's name, for messages */
    long line;
    long decl_line; /* line of the first "<!DOCTYPE" (or other declaration), 0 = none */
} crtk__xml_scanner;

void crtk__xml_scan_init(crtk__xml_scanner *sc);
/* Follow the markup of the next n bytes. CRTK_OK, or CRTK_ELIMIT with err's message and line
 * (err->source is left as it is) when a tag is over a limit. */
int crtk__xml_scan(crtk__xml_scanner *sc, const char *buf, size_t n, crtk_error *err);

#endif
