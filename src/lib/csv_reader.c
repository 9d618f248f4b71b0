/* csv_reader.c - placeholder until the backend lands. */
#include "reader_internal.h"

static int start(crtk_reader *rd)
{
    return crtk__rfail(rd, CRTK_EUNSUPPORTED, 0, 0, NULL, "format not implemented yet");
}

static int next(crtk_reader *rd, crtk_record *rec)
{
    (void)rec;
    return crtk__rfail(rd, CRTK_EUNSUPPORTED, 0, 0, NULL, "format not implemented yet");
}

const crtk__reader_ops crtk__csv_reader_ops = {start, next, NULL};
