/* flat_writer.c - placeholder until the backend lands. */
#include "writer_internal.h"

static int start(crtk_writer *w)
{
    return crtk__wfail(w, CRTK_EUNSUPPORTED, NULL, "format not implemented yet");
}

static int write_patient(crtk_writer *w, const crtk_record *rec)
{
    (void)rec;
    return crtk__wfail(w, CRTK_EUNSUPPORTED, NULL, "format not implemented yet");
}

static int finish(crtk_writer *w)
{
    (void)w;
    return CRTK_OK;
}

const crtk__writer_ops crtk__flat_writer_ops = {start, write_patient, finish, NULL};
