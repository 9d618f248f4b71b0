/* count.c - count the patients and tumors of NAACCR files with libcrtk's public API.
 *
 * Build against an installed crtk:
 *     cc count.c $(pkg-config --cflags --libs crtk) -o count
 * Run:
 *     ./count abstracts.xml incidence.txt.gz
 * Prints one line per file, "FILE: N patients, M tumors (xml, NAACCR 250, record type A)",
 * and exits 0, or 1 when a file is invalid, 2 when it cannot be read. */
#include <crtk/crtk.h>

#include <stdio.h>

/* Read one file patient by patient: memory stays bounded by one patient, whatever the size. */
static int count_file(const char *path, crtk_layouts *layouts)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    long patients = 0, tumors = 0;
    int rc;

    rc = crtk_reader_open(&rd, path, layouts, NULL, &err);
    if (rc < 0) {
        fprintf(stderr, "count: %s: %s\n", err.source[0] ? err.source : path, err.message);
        return rc;
    }
    rc = crtk_record_new(&rec);
    if (rc < 0)
        goto out;
    while ((rc = crtk_reader_next(rd, rec)) > 0) { /* 1 a patient, 0 the end, <0 an error */
        patients++;
        tumors += crtk_record_tumor_count(rec);
    }
    if (rc < 0) {
        const crtk_error *e = crtk_reader_error(rd);
        fprintf(stderr, "count: %s:%ld: %s\n", e->source, e->line, e->message);
        goto out;
    }
    {
        const crtk_file_info *fi = crtk_reader_info(rd);
        printf("%s: %ld patients, %ld tumors (%s, NAACCR %d, record type %c)\n", path, patients,
               tumors, crtk_format_name(fi->format), fi->naaccr_version, fi->record_type);
    }
out:
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return rc;
}

int main(int argc, char **argv)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_layouts *layouts = NULL;
    int status = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: count FILE...\n");
        return 2;
    }
    /* The registry of layouts: every NAACCR dictionary and fixed-width layout is built in. */
    if (crtk_layouts_new(&layouts, &err) < 0) {
        fprintf(stderr, "count: %s\n", err.message);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        int rc = count_file(argv[i], layouts);
        if (rc < 0 && status < 2)
            status = rc == CRTK_EIO || rc == CRTK_ENOMEM ? 2 : 1;
    }
    crtk_layouts_free(layouts);
    return status;
}
