/* charset_internal.h - input decoding to UTF-8 and output encoding from UTF-8 (iconv),
 * with an ASCII fast path. */
#ifndef CRTK_CHARSET_INTERNAL_H
#define CRTK_CHARSET_INTERNAL_H
#endif
