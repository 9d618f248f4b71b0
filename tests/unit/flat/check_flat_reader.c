/* check_flat_reader.c - the fixed-width reader: layout detection, line length rules
 * (crtk's DECISION: short lines warn), grouping into patients, level mismatches,
 * line ends, gzip, encodings (NAACCR formats sections 3, 5, 6.3 and checklist 7-10). */
#include "flat_test.h"

#include <zlib.h>

/* Read buf as a flat file; returns the reader (asserting open succeeded). */
static crtk_reader *open_flat(const char *buf, size_t len, crtk_reader_opts *o)
{
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = crtk_reader_open_mem(&rd, buf, len, LS, o, &err);

    ck_assert_msg(rc == CRTK_OK, "open: %d %s (line %ld)", rc, err.message, err.line);
    return rd;
}

static void join(tbuf *b, char *const *lines, int n, const char *eol)
{
    int i;

    for (i = 0; i < n; i++) {
        tb_adds(b, lines[i]);
        tb_adds(b, eol);
    }
}

START_TEST(test_worked_example_reads_one_patient_two_tumors)
{
    char *lines[2] = {worked_line(1), worked_line(2)};
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_AUTO);
    crtk_reader *rd;
    crtk_record *rec;
    const crtk_file_info *info;

    join(&b, lines, 2, "\n");
    rd = open_flat(b.s, b.len, &o);
    info = crtk_reader_info(rd);
    ck_assert_int_eq(info->format, CRTK_FORMAT_FLAT);
    ck_assert_int_eq(info->naaccr_version, 180);
    ck_assert_int_eq(info->record_type, 'I');
    ck_assert_str_eq(crtk_layout_name(info->layout), "naaccr-flat-18");
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 2);
    ck_assert_str_eq(val(rec, "recordType", 0), "I");
    ck_assert_str_eq(val(rec, "naaccrRecordVersion", 0), "180");
    ck_assert_str_eq(val(rec, "patientIdNumber", 0), "00000123");
    ck_assert_str_eq(val(rec, "dateOfBirth", 0), "19500315");
    ck_assert_str_eq(val(rec, "sex", 0), "2");
    ck_assert_str_eq(val(rec, "sequenceNumberCentral", 0), "01");
    ck_assert_str_eq(val(rec, "dateOfDiagnosis", 0), "20180412");
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    ck_assert_str_eq(val(rec, "histologicTypeIcdO3", 0), "8500");
    ck_assert_str_eq(val(rec, "behaviorCodeIcdO3", 0), "3");
    ck_assert_str_eq(val(rec, "sequenceNumberCentral", 1), "02");
    ck_assert_str_eq(val(rec, "dateOfDiagnosis", 1), "20200105");
    ck_assert_str_eq(val(rec, "primarySite", 1), "C189");
    ck_assert_str_eq(val(rec, "histologicTypeIcdO3", 1), "8140");
    /* Neighbours stay empty: no off-by-one. */
    ck_assert_str_eq(val(rec, "dateOfDiagnosisFlag", 0), "");
    ck_assert_str_eq(val(rec, "laterality", 0), "");
    ck_assert_str_eq(val(rec, "grade", 0), "");
    ck_assert_int_eq(crtk_record_present_count(rec, CRTK_LEVEL_ROOT, 0), 2);
    ck_assert_int_eq(crtk_record_present_count(rec, CRTK_LEVEL_PATIENT, 0), 3);
    ck_assert_int_eq(crtk_record_present_count(rec, CRTK_LEVEL_TUMOR, 0), 5);
    ck_assert_int_eq(crtk_record_line(rec, -1), 1);
    ck_assert_int_eq(crtk_record_line(rec, 0), 1);
    ck_assert_int_eq(crtk_record_line(rec, 1), 2);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
    if (fs.n)
        dump_findings(&fs);
    ck_assert_int_eq(fs.n, 0);
    ck_assert_int_eq(crtk_reader_error_count(rd), 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(lines[0]);
    free(lines[1]);
    free(b.s);
}
END_TEST

/* A short last line without a line end: the file was cut mid-line, an error. */
START_TEST(test_truncated_last_line_is_an_error)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;

    rd = open_flat(l, 3000, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    f = find_code(&fs, "truncated-line");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, CRTK_SEV_ERROR);
    ck_assert_int_eq(f->line, 1);
    ck_assert_ptr_null(find_code(&fs, "line-too-short"));
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(l);
}
END_TEST

START_TEST(test_short_first_line_is_a_warning_and_still_read)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;

    l[4047] = '\n'; /* 4047 characters and a line end: trailing blanks trimmed */
    rd = open_flat(l, 4048, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    ck_assert_str_eq(val(rec, "patientIdNumber", 0), "00000123");
    f = find_code(&fs, "line-too-short");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, CRTK_SEV_WARNING);
    ck_assert_int_eq(f->line, 1);
    ck_assert_msg(strstr(f->msg, "line is 4047 characters; NAACCR 18 record type I has 4048: "
                                 "columns 4048-4048 read as blank") != NULL,
                  "%s", f->msg);
    ck_assert_int_eq(count_sev(&fs, CRTK_SEV_ERROR), 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(l);
}
END_TEST

START_TEST(test_later_lines_of_wrong_length)
{
    char *lines[4];
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    int i;

    for (i = 0; i < 4; i++)
        lines[i] = worked_line(1);
    lines[1][4047] = '\0';              /* short: warning */
    lines[2] = realloc(lines[2], 4060); /* long, blanks: warning */
    memcpy(lines[2] + 4048, "          ", 11);
    lines[3] = realloc(lines[3], 4060); /* long, data: error */
    memcpy(lines[3] + 4048, "  XYZ     ", 11);
    join(&b, lines, 4, "\n");
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 4);
    ck_assert_str_eq(val(rec, "primarySite", 1), "C509");
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
    ck_assert_int_eq(count_code(&fs, "line-too-short", CRTK_SEV_WARNING), 1);
    ck_assert_int_eq(count_code(&fs, "line-too-long", CRTK_SEV_WARNING), 1);
    ck_assert_int_eq(count_code(&fs, "line-too-long", CRTK_SEV_ERROR), 1);
    ck_assert_int_eq(count_sev(&fs, CRTK_SEV_ERROR), 1);
    for (i = 0; i < fs.n; i++) {
        if (!strcmp(fs.f[i].code, "line-too-short"))
            ck_assert_int_eq(fs.f[i].line, 2);
        if (fs.f[i].sev == CRTK_SEV_ERROR) {
            ck_assert_int_eq(fs.f[i].line, 4);
            ck_assert_int_eq(fs.f[i].column, 4051);
            ck_assert_msg(strstr(fs.f[i].msg, "\"XYZ\"") != NULL, "%s", fs.f[i].msg);
            ck_assert_int_eq(fs.f[i].tumor, 4);
        }
    }
    crtk_record_free(rec);
    crtk_reader_free(rd);
    for (i = 0; i < 4; i++)
        free(lines[i]);
    free(b.s);
}
END_TEST

/* Opening must fail with code; the message must contain want. */
static void expect_open_failure(const char *buf, size_t len, int code, const char *want, long line)
{
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;
    int rc;

    o.format = CRTK_FORMAT_FLAT;
    rc = crtk_reader_open_mem(&rd, buf, len, LS, &o, &err);
    ck_assert_int_eq(rc, code);
    ck_assert_ptr_null(rd);
    ck_assert_msg(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"", err.message,
                  want);
    ck_assert_int_eq(err.line, line);
}

START_TEST(test_first_line_fatal_errors)
{
    char *l = worked_line(1);

    put(l, 17, "210");
    expect_open_failure(l, 4048, CRTK_EUNSUPPORTED,
                        "NAACCR 21 and later have no standard fixed-width layout; give a layout "
                        "with --layout",
                        1);
    put(l, 17, "   ");
    expect_open_failure(l, 4048, CRTK_EUNSUPPORTED, "columns 17-19", 1);
    put(l, 17, "170");
    expect_open_failure(l, 4048, CRTK_EUNSUPPORTED, "\"170\" (columns 17-19)", 1);
    put(l, 17, "180");
    put(l, 1, " ");
    expect_open_failure(l, 4048, CRTK_EUNSUPPORTED, "record type (column 1)", 1);
    put(l, 1, "X");
    expect_open_failure(l, 4048, CRTK_EUNSUPPORTED, "\"X\"", 1);
    expect_open_failure("\nI\n", 3, CRTK_EPARSE, "line 1 is empty", 1);
    expect_open_failure("", 0, CRTK_EPARSE, "empty", 1);
    free(l);
}
END_TEST

START_TEST(test_version_option_and_layout_option)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;

    put(l, 17, "   ");
    o.naaccr_version = 180;
    rd = open_flat(l, 4048, &o);
    ck_assert_int_eq(crtk_reader_info(rd)->naaccr_version, 180);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    crtk_reader_free(rd);
    o.naaccr_version = 0;
    o.layout = crtk_layouts_flat(LS, 18);
    rd = open_flat(l, 4048, &o);
    ck_assert_ptr_eq(crtk_reader_info(rd)->layout, o.layout);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "dateOfBirth", 0), "19500315");
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(l);
}
END_TEST

/* Lines with patient ids ids[i] ("" = blank); returns the tumor counts per patient. */
static int group(const char *const *ids, int n, int *counts, int max, tfindings *fs)
{
    tbuf b = {NULL, 0, 0};
    crtk_reader_opts o = ropts(fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    int i, np = 0, rc;

    for (i = 0; i < n; i++) {
        char *l = worked_line(1);
        put(l, 42, "        ");
        put(l, 42, ids[i]);
        tb_adds(&b, l);
        tb_adds(&b, "\n");
        free(l);
    }
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        ck_assert_int_lt(np, max);
        counts[np++] = crtk_record_tumor_count(rec);
        ck_assert_int_eq(crtk_record_ordinal(rec), np);
    }
    ck_assert_int_eq(rc, 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(b.s);
    return np;
}

START_TEST(test_grouping_consecutive_ids)
{
    static const char *const ids[] = {"00000001", "00000001", "00000002", "00000001"};
    static const char *const blanks[] = {"", "", "00000003", "00000003", ""};
    int counts[8];
    tfindings fs = {0};

    ck_assert_int_eq(group(ids, 4, counts, 8, &fs), 3);
    ck_assert_int_eq(counts[0], 2);
    ck_assert_int_eq(counts[1], 1);
    ck_assert_int_eq(counts[2], 1);
    fs.n = 0;
    ck_assert_int_eq(group(blanks, 5, counts, 8, &fs), 4);
    ck_assert_int_eq(counts[0], 1);
    ck_assert_int_eq(counts[1], 1);
    ck_assert_int_eq(counts[2], 2);
    ck_assert_int_eq(counts[3], 1);
}
END_TEST

START_TEST(test_patient_and_root_mismatch_findings)
{
    char *lines[3] = {worked_line(1), worked_line(2), worked_line(2)};
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;
    int i;

    put(lines[1], 226, "19500316");  /* dateOfBirth differs on line 2 */
    put(lines[2], 30, "0000000042"); /* registryId differs from line 1 */
    join(&b, lines, 3, "\n");
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 3);
    ck_assert_str_eq(val(rec, "dateOfBirth", 0), "19500315"); /* from the first line */
    ck_assert_str_eq(val(rec, "registryId", 0), "");
    f = find_code(&fs, "patient-value-mismatch");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, CRTK_SEV_ERROR);
    ck_assert_int_eq(f->line, 2);
    ck_assert_int_eq(f->tumor, 2);
    ck_assert_int_eq(f->column, 226);
    ck_assert_str_eq(f->item, "dateOfBirth");
    ck_assert_msg(strstr(f->msg, "dateOfBirth value differs among the patient's tumors: line 2 "
                                 "has \"19500316\", the first line (1) has \"19500315\"") != NULL,
                  "%s", f->msg);
    ck_assert_int_eq(count_code(&fs, "patient-value-mismatch", CRTK_SEV_ERROR), 1);
    f = find_code(&fs, "root-value-mismatch");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 3);
    ck_assert_str_eq(f->item, "registryId");
    crtk_reader_free(rd);
    /* Switched off: no findings. */
    fs.n = 0;
    o.report_level_mismatch = false;
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(fs.n, 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    for (i = 0; i < 3; i++)
        free(lines[i]);
    free(b.s);
}
END_TEST

START_TEST(test_record_type_and_version_of_later_lines)
{
    char *lines[3] = {worked_line(1), worked_line(2), worked_line(2)};
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;
    int i;

    put(lines[1], 1, "A");
    put(lines[2], 17, "160");
    join(&b, lines, 3, "\n");
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    f = find_code(&fs, "record-type-mismatch");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 2);
    f = find_code(&fs, "version-mismatch");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 3);
    ck_assert_int_eq(count_sev(&fs, CRTK_SEV_ERROR), 2);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    for (i = 0; i < 3; i++)
        free(lines[i]);
    free(b.s);
}
END_TEST

/* Two patients; returns the concatenated primarySite values and line numbers. */
static void read_sites(const char *buf, size_t len, char *out, size_t cap)
{
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_AUTO);
    crtk_reader *rd = open_flat(buf, len, &o);
    crtk_record *rec;
    int rc, t;

    out[0] = '\0';
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0)
        for (t = 0; t < crtk_record_tumor_count(rec); t++) {
            size_t n = strlen(out);
            snprintf(out + n, cap - n, "%s@%ld;", val(rec, "primarySite", t),
                     crtk_record_line(rec, t));
        }
    ck_assert_int_eq(rc, 0);
    if (fs.n)
        dump_findings(&fs);
    ck_assert_int_eq(fs.n, 0);
    crtk_record_free(rec);
    crtk_reader_free(rd);
}

START_TEST(test_line_ends_lf_crlf_cr_and_gzip)
{
    char *lines[3] = {worked_line(1), worked_line(2), worked_line(1)};
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    char got[256];
    int i;

    put(lines[2], 42, "00000999");
    put(lines[2], 554, "C000");
    for (i = 0; i < 3; i++) {
        tbuf b = {NULL, 0, 0};
        join(&b, lines, 3, eols[i]);
        if (i == 1)
            b.len -= 2; /* last line without terminator */
        read_sites(b.s, b.len, got, sizeof got);
        ck_assert_str_eq(got, "C509@1;C189@2;C000@3;");
        if (i == 0) {
            /* gzip: detected by its magic bytes, not by a name. */
            unsigned char *z = malloc(b.len + 1024);
            z_stream zs;
            memset(&zs, 0, sizeof zs);
            ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
                             Z_OK);
            zs.next_in = (unsigned char *)b.s;
            zs.avail_in = (uInt)b.len;
            zs.next_out = z;
            zs.avail_out = (uInt)(b.len + 1024);
            ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
            read_sites((const char *)z, zs.total_out, got, sizeof got);
            ck_assert_str_eq(got, "C509@1;C189@2;C000@3;");
            deflateEnd(&zs);
            free(z);
        }
        free(b.s);
    }
    for (i = 0; i < 3; i++)
        free(lines[i]);
}
END_TEST

START_TEST(test_empty_lines_are_skipped_with_a_warning)
{
    char *lines[2] = {worked_line(1), worked_line(2)};
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;

    tb_adds(&b, lines[0]);
    tb_adds(&b, "\n\n");
    tb_adds(&b, lines[1]);
    tb_adds(&b, "\n\n");
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 2);
    ck_assert_int_eq(crtk_record_line(rec, 1), 3);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
    ck_assert_int_eq(count_code(&fs, "empty-line", CRTK_SEV_WARNING), 2);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(lines[0]);
    free(lines[1]);
    free(b.s);
}
END_TEST

START_TEST(test_value_findings_name_line_and_column)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;

    put(l, 544, "20181341"); /* dateOfDiagnosis: month 13 */
    put(l, 564, "85X0");     /* histologicTypeIcdO3: digits */
    rd = open_flat(l, 4048, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "dateOfDiagnosis", 0), "20181341"); /* kept */
    f = find_code(&fs, "invalid-data-type");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 1);
    ck_assert_int_eq(f->column, 544);
    ck_assert_int_eq(f->tumor, 1);
    ck_assert_str_eq(f->item, "dateOfDiagnosis");
    ck_assert_int_eq(count_code(&fs, "invalid-data-type", CRTK_SEV_ERROR), 2);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(l);
}
END_TEST

START_TEST(test_trim_none_items_keep_blanks)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    size_t n;
    const char *v;

    put(l, 3050, "AB  C");        /* stateRequestorItems 3049-4048, trim none */
    put(l, 74, "  SPRINGFIELD "); /* addrAtDxCity, trim all */
    rd = open_flat(l, 4048, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    v = crtk_record_get(rec, crtk_layout_find(crtk_record_layout(rec), "stateRequestorItems"), 0,
                        &n);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(n, 1000);
    ck_assert_int_eq(memcmp(v, " AB  C   ", 9), 0);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "SPRINGFIELD");
    ck_assert_str_eq(val(rec, "reserved00", 0), ""); /* all blank, trim none: absent */
    crtk_record_free(rec);
    crtk_reader_free(rd);
    free(l);
}
END_TEST

START_TEST(test_max_tumors_limit)
{
    char *lines[3] = {worked_line(1), worked_line(2), worked_line(2)};
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;
    crtk_record *rec;
    int i;

    o.max_tumors = 2;
    join(&b, lines, 3, "\n");
    rd = open_flat(b.s, b.len, &o);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), CRTK_ELIMIT);
    ck_assert_int_eq(crtk_reader_error(rd)->line, 3);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    for (i = 0; i < 3; i++)
        free(lines[i]);
    free(b.s);
}
END_TEST

/* ---- encodings (checklist 10) ---- */

static crtk_reader *
read_one(const char *buf, size_t len, const char *enc, tfindings *fs, crtk_record *rec)
{
    crtk_reader_opts o = ropts(fs, CRTK_FORMAT_FLAT);
    crtk_reader *rd;

    o.encoding = enc;
    rd = open_flat(buf, len, &o);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    return rd;
}

START_TEST(test_latin1_byte_under_auto_is_e_acute)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader *rd;
    crtk_record *rec;

    put(l, 74,
        "MONTR\xC9"
        "AL"); /* Latin-1 / Windows-1252 É */
    put(l, 126, "H2X1Y4");
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    rd = read_one(l, 4048, NULL, &fs, rec);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "MONTR\xC3\x89"
                                                  "AL");
    ck_assert_str_eq(val(rec, "addrAtDxPostalCode", 0), "H2X1Y4"); /* columns unchanged */
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    ck_assert_str_eq(crtk_reader_info(rd)->encoding, "windows-1252");
    ck_assert_int_eq(fs.n, 0);
    crtk_reader_free(rd);
    /* Same bytes declared latin1. */
    rd = read_one(l, 4048, "latin1", &fs, rec);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "MONTR\xC3\x89"
                                                  "AL");
    ck_assert_int_eq(fs.n, 0);
    crtk_reader_free(rd);
    crtk_record_free(rec);
    free(l);
}
END_TEST

START_TEST(test_windows_1252_euro_and_undefined_bytes)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader *rd;
    crtk_record *rec;

    put(l, 74,
        "A\x80"
        "B\x81"
        "C\x9D");
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    rd = read_one(l, 4048, "windows-1252", &fs, rec);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "A\xE2\x82\xAC"
                                                  "B\xC2\x81"
                                                  "C\xC2\x9D");
    ck_assert_str_eq(val(rec, "addrAtDxPostalCode", 0), "");
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    crtk_reader_free(rd);
    /* Latin-1 takes 0x80 as the C1 control U+0080. */
    rd = read_one(l, 4048, "iso-8859-1", &fs, rec);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "A\xC2\x80"
                                                  "B\xC2\x81"
                                                  "C\xC2\x9D");
    crtk_reader_free(rd);
    crtk_record_free(rec);
    free(l);
}
END_TEST

START_TEST(test_utf8_character_takes_one_column)
{
    char *l = worked_line(1);
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    crtk_reader *rd;
    crtk_record *rec;

    /* Build the line with a 2-byte é at column 74: 4048 characters, 4049 bytes. */
    tb_add(&b, l, 73);
    tb_adds(&b, "\xC3\xA9");
    tb_add(&b, l + 74, 4048 - 74);
    put(b.s, 126 + 1, "H2X1Y4");
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    rd = read_one(b.s, b.len, NULL, &fs, rec);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "\xC3\xA9");
    ck_assert_str_eq(val(rec, "addrAtDxPostalCode", 0), "H2X1Y4");
    ck_assert_str_eq(crtk_reader_info(rd)->encoding, "utf-8");
    if (fs.n)
        dump_findings(&fs);
    ck_assert_int_eq(fs.n, 0); /* no length finding: 4048 characters */
    crtk_reader_free(rd);
    crtk_record_free(rec);
    free(b.s);
    free(l);
}
END_TEST

START_TEST(test_invalid_utf8_is_a_finding)
{
    char *l = worked_line(1);
    tfindings fs = {0};
    crtk_reader *rd;
    crtk_record *rec;
    const tfinding *f;

    put(l, 74,
        "AB\xE9"
        "CD");
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    rd = read_one(l, 4048, "utf-8", &fs, rec);
    f = find_code(&fs, "invalid-encoding");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->sev, CRTK_SEV_ERROR);
    ck_assert_int_eq(f->line, 1);
    ck_assert_int_eq(f->column, 76);
    ck_assert_msg(strstr(f->msg, "0xE9") != NULL, "%s", f->msg);
    /* The bad byte is one column: later fields stay in place. */
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "AB\xEF\xBF\xBD"
                                                  "CD");
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    ck_assert_int_eq(count_code(&fs, "line-too-short", CRTK_SEV_WARNING), 0);
    crtk_reader_free(rd);
    crtk_record_free(rec);
    free(l);
}
END_TEST

START_TEST(test_unknown_encoding_name)
{
    char *l = worked_line(1);
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;

    o.encoding = "ebcdic";
    ck_assert_int_eq(crtk_reader_open_mem(&rd, l, 4048, LS, &o, &err), CRTK_EARG);
    ck_assert_msg(strstr(err.message, "ebcdic") != NULL, "%s", err.message);
    free(l);
}
END_TEST

Suite *flat_reader_suite(void)
{
    Suite *s = suite_create("flat_reader");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, layouts_setup, layouts_teardown);
    tcase_add_test(tc, test_worked_example_reads_one_patient_two_tumors);
    tcase_add_test(tc, test_short_first_line_is_a_warning_and_still_read);
    tcase_add_test(tc, test_truncated_last_line_is_an_error);
    tcase_add_test(tc, test_later_lines_of_wrong_length);
    tcase_add_test(tc, test_first_line_fatal_errors);
    tcase_add_test(tc, test_version_option_and_layout_option);
    tcase_add_test(tc, test_grouping_consecutive_ids);
    tcase_add_test(tc, test_patient_and_root_mismatch_findings);
    tcase_add_test(tc, test_record_type_and_version_of_later_lines);
    tcase_add_test(tc, test_line_ends_lf_crlf_cr_and_gzip);
    tcase_add_test(tc, test_empty_lines_are_skipped_with_a_warning);
    tcase_add_test(tc, test_value_findings_name_line_and_column);
    tcase_add_test(tc, test_trim_none_items_keep_blanks);
    tcase_add_test(tc, test_max_tumors_limit);
    tcase_add_test(tc, test_latin1_byte_under_auto_is_e_acute);
    tcase_add_test(tc, test_windows_1252_euro_and_undefined_bytes);
    tcase_add_test(tc, test_utf8_character_takes_one_column);
    tcase_add_test(tc, test_invalid_utf8_is_a_finding);
    tcase_add_test(tc, test_unknown_encoding_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(flat_reader_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
