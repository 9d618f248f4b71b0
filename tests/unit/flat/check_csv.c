/* check_csv.c - the CSV reader and writer: header mapping, quoting (libcsv), rows spanning
 * lines, ragged rows, unknown and duplicate columns, versions, grouping, and round trips
 * flat -> CSV -> flat and CSV -> flat keeping every item. */
#include "flat_test.h"

static crtk_reader *open_csv(const char *buf, size_t len, crtk_reader_opts *o)
{
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = crtk_reader_open_mem(&rd, buf, len, LS, o, &err);

    ck_assert_msg(rc == CRTK_OK, "open: %d %s (line %ld)", rc, err.message, err.line);
    return rd;
}

/* Convert buf (any format) to fmt with layout l and record type rt; returns the bytes. */
static char *convert(const char *buf,
                     size_t len,
                     crtk_format in_fmt,
                     crtk_format fmt,
                     const crtk_layout *l,
                     char rt,
                     size_t *out_len,
                     tfindings *fs)
{
    crtk_reader *rd;
    crtk_reader_opts ro = ropts(fs, in_fmt);
    crtk_writer *w = NULL;
    crtk_writer_opts o = CRTK_WRITER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_record *rec;
    const char *path = tmp_path(fmt == CRTK_FORMAT_CSV ? "conv.csv" : "conv.txt");
    int rc;

    rd = open_csv(buf, len, &ro);
    o.format = fmt;
    o.layout = l;
    o.record_type = rt;
    ck_assert_int_eq(crtk_writer_open(&w, path, &o, &err), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0)
        ck_assert_msg(crtk_writer_write(w, rec) == CRTK_OK, "write: %s",
                      crtk_writer_error(w)->message);
    ck_assert_msg(rc == 0, "read: %s", crtk_reader_error(rd)->message);
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return slurp(path, out_len);
}

/* A v18 I line where every item of the record holds a full-width value. */
static char *full_line(void)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    char *line = blank_line(4048, 'I', "180");
    int i, n = crtk_layout_count(l);

    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        int k;
        if (!(it->rectypes & CRTK_RT_I) || it->start <= 0 || it->level == CRTK_LEVEL_ROOT)
            continue;
        for (k = 0; k < it->length; k++)
            line[it->start - 1 + k] =
                (char)(it->type == CRTK_TYPE_TEXT ? 'a' + (i + k) % 26 : '0' + (i + k) % 10);
    }
    put(line, 30, "0000000001"); /* registryId */
    return line;
}

START_TEST(test_flat_csv_flat_keeps_every_item)
{
    const crtk_layout *l18 = crtk_layouts_flat(LS, 18);
    char *line = full_line(), *csv, *back;
    tbuf b = {NULL, 0, 0};
    tfindings fs = {0};
    size_t csv_len, back_len;
    crtk_reader *rd;
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_CSV);
    crtk_record *rec;
    int present;

    tb_adds(&b, line);
    tb_adds(&b, "\n");
    tb_adds(&b, line);
    tb_adds(&b, "\n");
    csv = convert(b.s, b.len, CRTK_FORMAT_FLAT, CRTK_FORMAT_CSV, l18, 'I', &csv_len, &fs);
    ck_assert_ptr_nonnull(csv);
    /* The CSV is read against the NAACCR 180 dictionary + its default user dictionary. */
    rd = open_csv(csv, csv_len, &o);
    ck_assert_int_eq(crtk_reader_info(rd)->naaccr_version, 180);
    ck_assert_int_eq(crtk_reader_info(rd)->record_type, 'I');
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 2);
    present = crtk_record_present_count(rec, CRTK_LEVEL_ROOT, 0) +
              crtk_record_present_count(rec, CRTK_LEVEL_PATIENT, 0) +
              crtk_record_present_count(rec, CRTK_LEVEL_TUMOR, 0);
    {
        int i, want = 0;
        for (i = 0; i < crtk_layout_count(l18); i++) {
            const crtk_item *it = crtk_layout_item(l18, i);
            want += (it->rectypes & CRTK_RT_I) && it->start > 0 &&
                    (it->level != CRTK_LEVEL_ROOT || !strcmp(it->id, "recordType") ||
                     !strcmp(it->id, "naaccrRecordVersion") || !strcmp(it->id, "registryId"));
        }
        ck_assert_int_eq(present, want);
    }
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
    crtk_reader_free(rd);
    crtk_record_free(rec);
    back = convert(csv, csv_len, CRTK_FORMAT_CSV, CRTK_FORMAT_FLAT, l18, 'I', &back_len, &fs);
    ck_assert_uint_eq(back_len, b.len);
    ck_assert_int_eq(memcmp(back, b.s, b.len), 0);
    free(back);
    free(csv);
    free(b.s);
    free(line);
}
END_TEST

START_TEST(test_csv_to_flat)
{
    static const char csv[] =
        "recordType,naaccrRecordVersion,patientIdNumber,dateOfBirth,sex,sequenceNumberCentral,"
        "dateOfDiagnosis,primarySite,histologicTypeIcdO3,behaviorCodeIcdO3\n"
        "I,180,00000123,19500315,2,01,20180412,C509,8500,3\n"
        "I,180,00000123,19500315,2,02,20200105,C189,8140,3\n";
    char *l1 = worked_line(1), *l2 = worked_line(2), *out;
    tfindings fs = {0};
    size_t n;

    out = convert(csv, sizeof csv - 1, CRTK_FORMAT_AUTO, CRTK_FORMAT_FLAT,
                  crtk_layouts_flat(LS, 18), 'I', &n, &fs);
    ck_assert_uint_eq(n, 2 * 4049);
    ck_assert_int_eq(memcmp(out, l1, 4048), 0);
    ck_assert_int_eq(memcmp(out + 4049, l2, 4048), 0);
    if (fs.n)
        dump_findings(&fs);
    ck_assert_int_eq(fs.n, 0);
    free(out);
    free(l1);
    free(l2);
}
END_TEST

START_TEST(test_quoting_round_trip_and_multiline_values)
{
    const crtk_layout *l = crtk_layouts_dictionary(LS, 180);
    crtk_record *rec;
    crtk_reader *rd;
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_CSV);
    crtk_writer *w = NULL;
    crtk_writer_opts wo = CRTK_WRITER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    static const char *const city = "SAINT \"X\", Y";
    static const char *const remark = "line1\nline2\r\nline3";
    const char *path = tmp_path("q.csv");
    char *data;
    size_t n;

    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    ck_assert_int_ge(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l, "patientIdNumber"), 0, "00000001", 8),
                     CRTK_OK);
    ck_assert_int_eq(
        crtk_record_set(rec, crtk_layout_find(l, "addrAtDxCity"), 0, city, strlen(city)), CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l, "addrAtDxPostalCode"), 0, " 12", 3),
                     CRTK_OK);
    ck_assert_int_eq(
        crtk_record_set(rec, crtk_layout_find(l, "textRemarks"), 0, remark, strlen(remark)),
        CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l, "primarySite"), 1, "C509", 4),
                     CRTK_OK);
    wo.format = CRTK_FORMAT_CSV;
    wo.layout = l;
    wo.record_type = 'A';
    ck_assert_int_eq(crtk_writer_open(&w, path, &wo, &err), CRTK_OK);
    ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK);
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    data = slurp(path, &n);
    ck_assert_ptr_nonnull(strstr(data, ",\"SAINT \"\"X\"\", Y\","));
    ck_assert_ptr_nonnull(strstr(data, ",\" 12\","));
    rd = open_csv(data, n, &o);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 2);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), city);
    ck_assert_str_eq(val(rec, "addrAtDxPostalCode", 0), " 12");
    ck_assert_str_eq(val(rec, "textRemarks", 0), remark);
    ck_assert_str_eq(val(rec, "primarySite", 1), "C509");
    ck_assert_str_eq(val(rec, "naaccrRecordVersion", 0), "180");
    /* Row 1 starts on line 2 and spans three lines, so row 2 starts on line 5. */
    ck_assert_int_eq(crtk_record_line(rec, 0), 2);
    ck_assert_int_eq(crtk_record_line(rec, 1), 5);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
    crtk_reader_free(rd);
    crtk_record_free(rec);
    free(data);
}
END_TEST

START_TEST(test_ragged_row_unknown_and_duplicate_columns)
{
    static const char csv[] = "naaccrRecordVersion,patientIdNumber,fooBar,primarySite\n"
                              "180,00000001,x,C509\n"
                              "180,00000002,x\n"
                              "180,00000003,y,C189,extra\n";
    static const char dup[] = "naaccrRecordVersion,primarySite,primarySite\n180,C1,C2\n";
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_CSV);
    crtk_reader *rd = open_csv(csv, sizeof csv - 1, &o);
    crtk_record *rec;
    crtk_error err = CRTK_ERROR_INIT;
    const tfinding *f;
    int i, np = 0;

    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while (crtk_reader_next(rd, rec) > 0) {
        np++;
        if (np == 1)
            ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
        if (np == 3)
            ck_assert_str_eq(val(rec, "primarySite", 0), "C189");
    }
    ck_assert_int_eq(np, 3);
    ck_assert_int_eq(count_code(&fs, "unknown-item", CRTK_SEV_ERROR), 1);
    f = find_code(&fs, "unknown-item");
    ck_assert_int_eq(f->line, 1);
    ck_assert_int_eq(f->column, 3);
    ck_assert_msg(strstr(f->msg, "fooBar") != NULL, "%s", f->msg);
    ck_assert_int_eq(count_code(&fs, "ragged-row", CRTK_SEV_ERROR), 2);
    for (i = 0; i < fs.n; i++)
        if (!strcmp(fs.f[i].code, "ragged-row"))
            ck_assert(fs.f[i].line == 3 || fs.f[i].line == 4);
    crtk_reader_free(rd);
    crtk_record_free(rec);
    rd = NULL;
    ck_assert_int_eq(crtk_reader_open_mem(&rd, dup, sizeof dup - 1, LS, &o, &err), CRTK_EINVALID);
    ck_assert_msg(strstr(err.message, "repeats primarySite") != NULL, "%s", err.message);
    ck_assert_int_eq(err.column, 3);
}
END_TEST

START_TEST(test_version_needed)
{
    static const char csv[] = "patientIdNumber,primarySite\n00000001,C509\n";
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_CSV);
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_record *rec;

    ck_assert_int_eq(crtk_reader_open_mem(&rd, csv, sizeof csv - 1, LS, &o, &err),
                     CRTK_EUNSUPPORTED);
    ck_assert_msg(strstr(err.message, "CSV needs --version") != NULL, "%s", err.message);
    o.naaccr_version = 250;
    o.record_type = 'I';
    rd = open_csv(csv, sizeof csv - 1, &o);
    ck_assert_int_eq(crtk_reader_info(rd)->naaccr_version, 250);
    ck_assert_int_eq(crtk_reader_info(rd)->record_type, 'I');
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "primarySite", 0), "C509");
    ck_assert_int_eq(fs.n, 0);
    crtk_reader_free(rd);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_bom_crlf_grouping_and_mismatch)
{
    static const char csv[] = "\xEF\xBB\xBFnaaccrRecordVersion,patientIdNumber,dateOfBirth,"
                              "primarySite\r\n"
                              "180,00000001,19500101,C509\r\n"
                              "\r\n"
                              "180,00000001,19500102,C189\r\n"
                              "180,00000002,,C000\r\n"
                              "180,,,C001\r\n"
                              "180,,,C002";
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_AUTO);
    crtk_reader *rd = open_csv(csv, sizeof csv - 1, &o);
    crtk_record *rec;
    const tfinding *f;
    int counts[8], np = 0;

    ck_assert_int_eq(crtk_reader_info(rd)->format, CRTK_FORMAT_CSV);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    while (crtk_reader_next(rd, rec) > 0) {
        if (np == 0) {
            ck_assert_str_eq(val(rec, "dateOfBirth", 0), "19500101");
            ck_assert_str_eq(val(rec, "primarySite", 1), "C189");
            ck_assert_int_eq(crtk_record_line(rec, 1), 4);
        }
        if (np == 3)
            ck_assert_str_eq(val(rec, "primarySite", 0), "C002");
        counts[np++] = crtk_record_tumor_count(rec);
    }
    ck_assert_int_eq(np, 4);
    ck_assert_int_eq(counts[0], 2);
    ck_assert_int_eq(counts[1], 1);
    ck_assert_int_eq(counts[2], 1);
    ck_assert_int_eq(counts[3], 1);
    f = find_code(&fs, "patient-value-mismatch");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 4);
    ck_assert_str_eq(f->item, "dateOfBirth");
    ck_assert_int_eq(f->tumor, 2);
    ck_assert_int_eq(count_sev(&fs, CRTK_SEV_ERROR), 1);
    crtk_reader_free(rd);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_csv_encodings)
{
    static const char csv[] = "naaccrRecordVersion,addrAtDxCity\n180,MONTR\xC9"
                              "AL\n";
    tfindings fs = {0};
    crtk_reader_opts o = ropts(&fs, CRTK_FORMAT_CSV);
    crtk_reader *rd = open_csv(csv, sizeof csv - 1, &o);
    crtk_record *rec;
    const tfinding *f;

    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    ck_assert_str_eq(val(rec, "addrAtDxCity", 0), "MONTR\xC3\x89"
                                                  "AL");
    ck_assert_str_eq(crtk_reader_info(rd)->encoding, "windows-1252");
    ck_assert_int_eq(fs.n, 0);
    crtk_reader_free(rd);
    o.encoding = "utf-8";
    rd = open_csv(csv, sizeof csv - 1, &o);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 1);
    f = find_code(&fs, "invalid-encoding");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->line, 2);
    ck_assert_int_eq(f->column, 10);
    crtk_reader_free(rd);
    crtk_record_free(rec);
}
END_TEST

START_TEST(test_csv_writer_header_and_crlf)
{
    const crtk_layout *l = crtk_layouts_flat(LS, 18);
    crtk_record *rec;
    crtk_writer *w = NULL;
    crtk_writer_opts wo = CRTK_WRITER_OPTS_INIT;
    crtk_error err = CRTK_ERROR_INIT;
    const char *path = tmp_path("h.csv");
    char *data, *eol;
    size_t n;
    int cols = 1, want = 0, i;

    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
    wo.format = CRTK_FORMAT_CSV;
    wo.layout = l;
    wo.record_type = 'I';
    wo.crlf = true;
    ck_assert_int_eq(crtk_writer_open(&w, path, &wo, &err), CRTK_OK);
    ck_assert_int_eq(crtk_writer_write(w, rec), CRTK_OK); /* no tumors: one row */
    ck_assert_int_eq(crtk_writer_close(w), CRTK_OK);
    crtk_writer_free(w);
    data = slurp(path, &n);
    eol = strstr(data, "\r\n");
    ck_assert_ptr_nonnull(eol);
    for (i = 0; data + i < eol; i++)
        cols += data[i] == ',';
    for (i = 0; i < crtk_layout_count(l); i++)
        want += (crtk_layout_item(l, i)->rectypes & CRTK_RT_I) != 0;
    ck_assert_int_eq(cols, want);
    ck_assert_ptr_null(strstr(data, "nameLast")); /* not in record type I */
    ck_assert(!strncmp(eol + 2, "I,", 2));
    ck_assert_ptr_nonnull(strstr(eol + 2, ",180,"));
    ck_assert(!strcmp(data + n - 2, "\r\n"));
    ck_assert_ptr_eq(strstr(eol + 2, "\r\n"), data + n - 2); /* exactly one row */
    free(data);
    crtk_record_free(rec);
}
END_TEST

Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, layouts_setup, layouts_teardown);
    tcase_add_test(tc, test_flat_csv_flat_keeps_every_item);
    tcase_add_test(tc, test_csv_to_flat);
    tcase_add_test(tc, test_quoting_round_trip_and_multiline_values);
    tcase_add_test(tc, test_ragged_row_unknown_and_duplicate_columns);
    tcase_add_test(tc, test_version_needed);
    tcase_add_test(tc, test_bom_crlf_grouping_and_mismatch);
    tcase_add_test(tc, test_csv_encodings);
    tcase_add_test(tc, test_csv_writer_header_and_crlf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csv_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
