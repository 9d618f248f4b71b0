/* check_editdb.c - metafile model: load an EDITS50 metafile built here with SQLite, check
 * every accessor, round-trip it through the text format and back (models compared field by
 * field, folders byte for byte), and check that broken inputs fail with file, line and item. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nftw, mkdtemp */
#endif
#include "crtk/editdb.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];
static char smf[300];

static const char fixture_sql[] =
    "CREATE TABLE EE_Control (PKey INTEGER PRIMARY KEY, ItemName TEXT, ItemValue TEXT);"
    "INSERT INTO EE_Control VALUES (1, 'MFStructureVersion', '5.0'),"
    " (2, 'MFContentVersion', '23A'),"
    " (3, 'MFComment', 'line one' || char(13, 10) || 'line two  ');"
    /* Unknown columns and lower-case names must be tolerated. */
    "CREATE TABLE EE_Agencies (PKey INTEGER PRIMARY KEY, AdminCode TEXT, OrgName TEXT,"
    " Comments TEXT);"
    "INSERT INTO EE_Agencies VALUES (7, 'NAACCR', 'North American Association', 'x'),"
    " (8, 'SEER', 'SEER Program', NULL);"
    "CREATE TABLE ee_fields (pkey INTEGER PRIMARY KEY, fieldnumber INTEGER, FieldName TEXT,"
    " LocalName TEXT, FieldLength INTEGER, DataType TEXT, Extra BLOB);"
    "INSERT INTO ee_fields VALUES (10, 390, 'Date of Diagnosis', NULL, 8, 'Date', NULL),"
    " (11, 400, 'Primary Site', 'Site (local)', 4, 'Char', NULL),"
    " (12, 410, 'Laterality', NULL, 1, 'Digits', NULL),"
    " (13, 522, 'Histologic Type ICD-O-3', NULL, 4, NULL, NULL);"
    "CREATE TABLE EE_Messages (PKey INTEGER PRIMARY KEY, MessageNumber INTEGER,"
    " Message TEXT, MessageType TEXT);"
    "INSERT INTO EE_Messages VALUES (20, 1000, '%F1 is not valid', 'E'),"
    " (21, 1001, 'Conflict among %F1 and %F2', NULL),"
    " (22, 7001, '  blanks, \"quotes\" and \\ backslash ', 'W');"
    "CREATE TABLE EE_EditSets (PKey INTEGER PRIMARY KEY, EditSetTag TEXT, EditSetName TEXT,"
    " Description TEXT);"
    "INSERT INTO EE_EditSets VALUES (30, 'SET_B', 'Set B', 'the second set'),"
    " (31, 'SET_A', 'Set A', NULL);"
    "CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, EditTag TEXT, EditName TEXT,"
    " AgencyPKey INTEGER, MessagePKey INTEGER, Description TEXT, EditLogic TEXT,"
    " AdminNotes TEXT, LastModDate TEXT);"
    "INSERT INTO EE_Edits VALUES (40, 'N0100', 'Primary Site (NAACCR)', 7, 20,"
    " 'Checks the site.', 'if (EMPTY(#S\"Primary Site\"))' || char(13, 10) ||"
    " '    return PASS;' || char(13, 10) || 'return FAIL;' || char(13, 10),"
    " 'notes' || char(10, 10) || 'more  ', '20230115'),"
    " (41, 'N0200', 'Site, Laterality (SEER IF82)', 8, 21,"
    " 'multi' || char(10) || 'line' || char(10), 'return PASS;', NULL, NULL),"
    " (42, 'A/B weird tag', 'Weird', NULL, NULL, NULL, '/* x */' || char(10) || 'return PASS;',"
    " NULL, NULL),"
    " (43, 'N0050', 'Histology lookup', NULL, 22, NULL,"
    " '  x ' || char(13) || ' y' || char(9) || char(10, 10) || 'return 1;  ', NULL, NULL);"
    "CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, TableName TEXT,"
    " Description TEXT, RecCount INTEGER);"
    "INSERT INTO EE_LookupTables VALUES (50, 'SITE_LAT', 'site/lat pairs', 3);"
    "CREATE TABLE SITE_LAT (PKey INTEGER PRIMARY KEY, SITE VARCHAR(4), LAT CHAR(1),"
    " NOTE VARCHAR(40));"
    "INSERT INTO SITE_LAT VALUES (2, 'C341', '2', 'a, comma'), (1, 'C340', '1', 'plain'),"
    " (3, 'C500', '9', 'say \"hi\"  ');"
    "CREATE INDEX SITE_LAT_IDX ON SITE_LAT (SITE, LAT);"
    "CREATE UNIQUE INDEX SITE_LAT_U ON SITE_LAT (NOTE);"
    "CREATE TABLE EE_EditFieldsPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " FieldPKey INTEGER, FieldOrder INTEGER);"
    "INSERT INTO EE_EditFieldsPivot VALUES (60, 41, 11, 2), (61, 41, 12, 1), (62, 40, 11, 1),"
    " (63, 43, 13, 3), (64, 43, 10, 1), (65, 43, 11, 2);"
    "CREATE TABLE EE_EditMessagesPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " MessagePKey INTEGER);"
    "INSERT INTO EE_EditMessagesPivot VALUES (70, 41, 22), (71, 41, 20);"
    "CREATE TABLE EE_EditTablesPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " LookupTablePKey INTEGER);"
    "INSERT INTO EE_EditTablesPivot VALUES (80, 43, 50);"
    "CREATE TABLE EE_EditSetEditsPivot (PKey INTEGER PRIMARY KEY, EditSetPKey INTEGER,"
    " EditPKey INTEGER);"
    "INSERT INTO EE_EditSetEditsPivot VALUES (90, 30, 43), (91, 30, 40), (92, 31, 41),"
    " (93, 31, 42), (94, 30, 41);"
    "CREATE TABLE EE_EditErrorsPivot (PKey INTEGER PRIMARY KEY, EditPKey INTEGER,"
    " ErrorText TEXT);"
    "INSERT INTO EE_EditErrorsPivot VALUES (95, 43, 'free text error'),"
    " (96, 43, 'second' || char(13, 10) || 'line');";

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY", NULL, NULL, NULL);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        ck_abort_msg("SQL failed: %s", msg);
    sqlite3_close(db);
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/check_editdb.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    snprintf(smf, sizeof smf, "%s/test.smf", tmp);
    exec_sql(smf, fixture_sql);
}

static void teardown(void)
{
    nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_in(const char *rel)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, rel);
    return buf[k];
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static crtk_editdb *load_fixture(void)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = crtk_editdb_load_smf(&db, smf, &err);

    ck_assert_msg(rc == CRTK_OK, "load_smf: %s: %s", err.source, err.message);
    return db;
}

/* ---- model comparison through the public accessors ------------------------------------ */

static void assert_same(const crtk_editdb *a, const crtk_editdb *b)
{
    ck_assert_uint_eq(crtk_editdb_control_count(a), crtk_editdb_control_count(b));
    for (size_t i = 0; i < crtk_editdb_control_count(a); i++) {
        ck_assert_str_eq(crtk_editdb_control_name(a, i), crtk_editdb_control_name(b, i));
        ck_assert_str_eq(crtk_editdb_control_value(a, i), crtk_editdb_control_value(b, i));
    }
    ck_assert_uint_eq(crtk_editdb_agency_count(a), crtk_editdb_agency_count(b));
    for (size_t i = 0; i < crtk_editdb_agency_count(a); i++) {
        const crtk_editdb_agency *x = crtk_editdb_agency_at(a, i), *y = crtk_editdb_agency_at(b, i);
        ck_assert_str_eq(crtk_editdb_agency_code(x), crtk_editdb_agency_code(y));
        ck_assert_str_eq(crtk_editdb_agency_name(x), crtk_editdb_agency_name(y));
    }
    ck_assert_uint_eq(crtk_editdb_field_count(a), crtk_editdb_field_count(b));
    for (size_t i = 0; i < crtk_editdb_field_count(a); i++) {
        const crtk_editdb_field *x = crtk_editdb_field_at(a, i), *y = crtk_editdb_field_at(b, i);
        ck_assert_int_eq(crtk_editdb_field_number(x), crtk_editdb_field_number(y));
        ck_assert_int_eq(crtk_editdb_field_length(x), crtk_editdb_field_length(y));
        ck_assert_str_eq(crtk_editdb_field_name(x), crtk_editdb_field_name(y));
        ck_assert_str_eq(crtk_editdb_field_local_name(x), crtk_editdb_field_local_name(y));
        ck_assert_str_eq(crtk_editdb_field_type(x), crtk_editdb_field_type(y));
    }
    ck_assert_uint_eq(crtk_editdb_message_count(a), crtk_editdb_message_count(b));
    for (size_t i = 0; i < crtk_editdb_message_count(a); i++) {
        const crtk_editdb_message *x = crtk_editdb_message_at(a, i);
        const crtk_editdb_message *y = crtk_editdb_message_at(b, i);
        ck_assert_int_eq(crtk_editdb_message_number(x), crtk_editdb_message_number(y));
        ck_assert_str_eq(crtk_editdb_message_text(x), crtk_editdb_message_text(y));
        ck_assert_str_eq(crtk_editdb_message_type(x), crtk_editdb_message_type(y));
    }
    ck_assert_uint_eq(crtk_editdb_edit_count(a), crtk_editdb_edit_count(b));
    for (size_t i = 0; i < crtk_editdb_edit_count(a); i++) {
        const crtk_editdb_edit *x = crtk_editdb_edit_at(a, i), *y = crtk_editdb_edit_at(b, i);
        ck_assert_str_eq(crtk_editdb_edit_tag(x), crtk_editdb_edit_tag(y));
        ck_assert_str_eq(crtk_editdb_edit_name(x), crtk_editdb_edit_name(y));
        ck_assert_str_eq(crtk_editdb_edit_agency(x), crtk_editdb_edit_agency(y));
        ck_assert_uint_eq(crtk_editdb_edit_field_count(x), crtk_editdb_edit_field_count(y));
        for (size_t j = 0; j < crtk_editdb_edit_field_count(x); j++) {
            ck_assert_int_eq(crtk_editdb_edit_field_number(x, j),
                             crtk_editdb_edit_field_number(y, j));
            ck_assert_str_eq(crtk_editdb_edit_field_name(x, j), crtk_editdb_edit_field_name(y, j));
        }
        ck_assert_int_eq(crtk_editdb_edit_message(x), crtk_editdb_edit_message(y));
        ck_assert_uint_eq(crtk_editdb_edit_message_count(x), crtk_editdb_edit_message_count(y));
        for (size_t j = 0; j < crtk_editdb_edit_message_count(x); j++)
            ck_assert_int_eq(crtk_editdb_edit_message_at(x, j), crtk_editdb_edit_message_at(y, j));
        ck_assert_uint_eq(crtk_editdb_edit_table_count(x), crtk_editdb_edit_table_count(y));
        for (size_t j = 0; j < crtk_editdb_edit_table_count(x); j++)
            ck_assert_str_eq(crtk_editdb_edit_table_at(x, j), crtk_editdb_edit_table_at(y, j));
        ck_assert_uint_eq(crtk_editdb_edit_error_count(x), crtk_editdb_edit_error_count(y));
        for (size_t j = 0; j < crtk_editdb_edit_error_count(x); j++)
            ck_assert_str_eq(crtk_editdb_edit_error_at(x, j), crtk_editdb_edit_error_at(y, j));
        ck_assert_str_eq(crtk_editdb_edit_description(x), crtk_editdb_edit_description(y));
        ck_assert_str_eq(crtk_editdb_edit_admin_notes(x), crtk_editdb_edit_admin_notes(y));
        ck_assert_str_eq(crtk_editdb_edit_modified(x), crtk_editdb_edit_modified(y));
        ck_assert_str_eq(crtk_editdb_edit_logic(x), crtk_editdb_edit_logic(y));
    }
    ck_assert_uint_eq(crtk_editdb_set_count(a), crtk_editdb_set_count(b));
    for (size_t i = 0; i < crtk_editdb_set_count(a); i++) {
        const crtk_editdb_set *x = crtk_editdb_set_at(a, i), *y = crtk_editdb_set_at(b, i);
        ck_assert_str_eq(crtk_editdb_set_tag(x), crtk_editdb_set_tag(y));
        ck_assert_str_eq(crtk_editdb_set_name(x), crtk_editdb_set_name(y));
        ck_assert_str_eq(crtk_editdb_set_description(x), crtk_editdb_set_description(y));
        ck_assert_uint_eq(crtk_editdb_set_edit_count(x), crtk_editdb_set_edit_count(y));
        for (size_t j = 0; j < crtk_editdb_set_edit_count(x); j++)
            ck_assert_str_eq(crtk_editdb_set_edit_at(x, j), crtk_editdb_set_edit_at(y, j));
    }
    ck_assert_uint_eq(crtk_editdb_table_count(a), crtk_editdb_table_count(b));
    for (size_t i = 0; i < crtk_editdb_table_count(a); i++) {
        const crtk_editdb_table *x = crtk_editdb_table_at(a, i), *y = crtk_editdb_table_at(b, i);
        ck_assert_str_eq(crtk_editdb_table_name(x), crtk_editdb_table_name(y));
        ck_assert_str_eq(crtk_editdb_table_description(x), crtk_editdb_table_description(y));
        ck_assert_uint_eq(crtk_editdb_table_column_count(x), crtk_editdb_table_column_count(y));
        for (size_t c = 0; c < crtk_editdb_table_column_count(x); c++)
            ck_assert_str_eq(crtk_editdb_table_column(x, c), crtk_editdb_table_column(y, c));
        ck_assert_uint_eq(crtk_editdb_table_row_count(x), crtk_editdb_table_row_count(y));
        for (size_t r = 0; r < crtk_editdb_table_row_count(x); r++)
            for (size_t c = 0; c < crtk_editdb_table_column_count(x); c++)
                ck_assert_str_eq(crtk_editdb_table_cell(x, r, c), crtk_editdb_table_cell(y, r, c));
        ck_assert_uint_eq(crtk_editdb_table_index_count(x), crtk_editdb_table_index_count(y));
        for (size_t k = 0; k < crtk_editdb_table_index_count(x); k++) {
            ck_assert_str_eq(crtk_editdb_table_index_name(x, k),
                             crtk_editdb_table_index_name(y, k));
            ck_assert_int_eq(crtk_editdb_table_index_unique(x, k),
                             crtk_editdb_table_index_unique(y, k));
            ck_assert_uint_eq(crtk_editdb_table_index_column_count(x, k),
                              crtk_editdb_table_index_column_count(y, k));
            for (size_t c = 0; c < crtk_editdb_table_index_column_count(x, k); c++)
                ck_assert_str_eq(crtk_editdb_table_index_column(x, k, c),
                                 crtk_editdb_table_index_column(y, k, c));
        }
    }
}

/* ---- tests ------------------------------------------------------------------------------ */

START_TEST(test_load_smf_reads_every_table)
{
    crtk_editdb *db = load_fixture();
    const crtk_editdb_field *f;
    const crtk_editdb_message *m;
    const crtk_editdb_edit *e;
    const crtk_editdb_set *s;
    const crtk_editdb_table *t;

    ck_assert_uint_eq(crtk_editdb_control_count(db), 3);
    ck_assert_str_eq(crtk_editdb_control_name(db, 0), "MFStructureVersion");
    ck_assert_str_eq(crtk_editdb_control_get(db, "mfcomment"), "line one\r\nline two  ");
    ck_assert_ptr_null(crtk_editdb_control_get(db, "nope"));
    ck_assert_ptr_null(crtk_editdb_control_name(db, 3));

    ck_assert_uint_eq(crtk_editdb_agency_count(db), 2);
    ck_assert_str_eq(crtk_editdb_agency_code(crtk_editdb_agency_at(db, 0)), "NAACCR");
    ck_assert_str_eq(crtk_editdb_agency_name(crtk_editdb_find_agency(db, "SEER")), "SEER Program");

    ck_assert_uint_eq(crtk_editdb_field_count(db), 4);
    f = crtk_editdb_find_field(db, 400);
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(crtk_editdb_field_name(f), "Primary Site");
    ck_assert_str_eq(crtk_editdb_field_local_name(f), "Site (local)");
    ck_assert_int_eq(crtk_editdb_field_length(f), 4);
    ck_assert_str_eq(crtk_editdb_field_type(f), "Char");
    ck_assert_ptr_eq(crtk_editdb_find_field_name(db, "primary SITE"), f);
    ck_assert_str_eq(crtk_editdb_field_type(crtk_editdb_find_field(db, 522)), "");
    ck_assert_str_eq(crtk_editdb_field_local_name(crtk_editdb_find_field(db, 390)), "");
    ck_assert_ptr_null(crtk_editdb_find_field(db, 999));
    ck_assert_int_eq(crtk_editdb_field_number(crtk_editdb_field_at(db, 0)), 390);

    ck_assert_uint_eq(crtk_editdb_message_count(db), 3);
    m = crtk_editdb_find_message(db, 7001);
    ck_assert_str_eq(crtk_editdb_message_text(m), "  blanks, \"quotes\" and \\ backslash ");
    ck_assert_str_eq(crtk_editdb_message_type(m), "W");
    ck_assert_str_eq(crtk_editdb_message_type(crtk_editdb_find_message(db, 1001)), "");

    /* Edits sorted by tag (byte order). */
    ck_assert_uint_eq(crtk_editdb_edit_count(db), 4);
    ck_assert_str_eq(crtk_editdb_edit_tag(crtk_editdb_edit_at(db, 0)), "A/B weird tag");
    ck_assert_str_eq(crtk_editdb_edit_tag(crtk_editdb_edit_at(db, 1)), "N0050");
    e = crtk_editdb_find_edit(db, "N0200");
    ck_assert_str_eq(crtk_editdb_edit_name(e), "Site, Laterality (SEER IF82)");
    ck_assert_str_eq(crtk_editdb_edit_agency(e), "SEER");
    ck_assert_uint_eq(crtk_editdb_edit_field_count(e), 2);
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 0), 410); /* FieldOrder 1 */
    ck_assert_str_eq(crtk_editdb_edit_field_name(e, 0), "Laterality");
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 1), 400);
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 2), -1);
    ck_assert_int_eq(crtk_editdb_edit_message(e), 1001);
    ck_assert_uint_eq(crtk_editdb_edit_message_count(e), 2);
    ck_assert_int_eq(crtk_editdb_edit_message_at(e, 0), 7001);
    ck_assert_int_eq(crtk_editdb_edit_message_at(e, 1), 1000);
    ck_assert_str_eq(crtk_editdb_edit_description(e), "multi\nline\n");
    ck_assert_str_eq(crtk_editdb_edit_admin_notes(e), "");
    ck_assert_str_eq(crtk_editdb_edit_modified(e), "");
    ck_assert_str_eq(crtk_editdb_edit_logic(e), "return PASS;");

    e = crtk_editdb_find_edit(db, "N0100");
    ck_assert_str_eq(crtk_editdb_edit_logic(e),
                     "if (EMPTY(#S\"Primary Site\"))\r\n    return PASS;\r\nreturn FAIL;\r\n");
    ck_assert_str_eq(crtk_editdb_edit_admin_notes(e), "notes\n\nmore  ");
    ck_assert_str_eq(crtk_editdb_edit_modified(e), "20230115");
    ck_assert_str_eq(crtk_editdb_edit_agency(e), "NAACCR");

    e = crtk_editdb_find_edit(db, "N0050");
    ck_assert_uint_eq(crtk_editdb_edit_field_count(e), 3);
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 0), 390);
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 1), 400);
    ck_assert_int_eq(crtk_editdb_edit_field_number(e, 2), 522);
    ck_assert_uint_eq(crtk_editdb_edit_table_count(e), 1);
    ck_assert_str_eq(crtk_editdb_edit_table_at(e, 0), "SITE_LAT");
    ck_assert_ptr_null(crtk_editdb_edit_table_at(e, 1));
    ck_assert_uint_eq(crtk_editdb_edit_error_count(e), 2);
    ck_assert_str_eq(crtk_editdb_edit_error_at(e, 1), "second\r\nline");
    ck_assert_str_eq(crtk_editdb_edit_logic(e), "  x \r y\t\n\nreturn 1;  ");
    ck_assert_int_eq(crtk_editdb_edit_message(crtk_editdb_find_edit(db, "A/B weird tag")), -1);
    ck_assert_ptr_null(crtk_editdb_find_edit(db, "n0050"));

    ck_assert_uint_eq(crtk_editdb_set_count(db), 2);
    s = crtk_editdb_set_at(db, 0);
    ck_assert_str_eq(crtk_editdb_set_tag(s), "SET_A");
    ck_assert_str_eq(crtk_editdb_set_description(s), "");
    ck_assert_uint_eq(crtk_editdb_set_edit_count(s), 2);
    ck_assert_str_eq(crtk_editdb_set_edit_at(s, 0), "N0200");
    ck_assert_str_eq(crtk_editdb_set_edit_at(s, 1), "A/B weird tag");
    s = crtk_editdb_find_set(db, "SET_B");
    ck_assert_str_eq(crtk_editdb_set_name(s), "Set B");
    ck_assert_uint_eq(crtk_editdb_set_edit_count(s), 3);
    ck_assert_str_eq(crtk_editdb_set_edit_at(s, 0), "N0050");
    ck_assert_str_eq(crtk_editdb_set_edit_at(s, 2), "N0200");
    ck_assert_ptr_null(crtk_editdb_set_edit_at(s, 3));

    ck_assert_uint_eq(crtk_editdb_table_count(db), 1);
    t = crtk_editdb_find_table(db, "site_lat");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(crtk_editdb_table_description(t), "site/lat pairs");
    ck_assert_uint_eq(crtk_editdb_table_column_count(t), 3);
    ck_assert_str_eq(crtk_editdb_table_column(t, 1), "LAT");
    ck_assert_int_eq(crtk_editdb_table_find_column(t, "note"), 2);
    ck_assert_int_eq(crtk_editdb_table_find_column(t, "PKey"), -1);
    ck_assert_uint_eq(crtk_editdb_table_row_count(t), 3);
    ck_assert_str_eq(crtk_editdb_table_cell(t, 0, 0), "C340"); /* PKey order */
    ck_assert_str_eq(crtk_editdb_table_cell(t, 1, 2), "a, comma");
    ck_assert_str_eq(crtk_editdb_table_cell(t, 2, 2), "say \"hi\"  ");
    ck_assert_ptr_null(crtk_editdb_table_cell(t, 3, 0));
    ck_assert_uint_eq(crtk_editdb_table_index_count(t), 2);
    ck_assert_str_eq(crtk_editdb_table_index_name(t, 0), "SITE_LAT_IDX");
    ck_assert(!crtk_editdb_table_index_unique(t, 0));
    ck_assert_uint_eq(crtk_editdb_table_index_column_count(t, 0), 2);
    ck_assert_str_eq(crtk_editdb_table_index_column(t, 0, 0), "SITE");
    ck_assert_str_eq(crtk_editdb_table_index_column(t, 0, 1), "LAT");
    ck_assert(crtk_editdb_table_index_unique(t, 1));
    crtk_editdb_free(db);
}
END_TEST

static void tree_equal(const char *a, const char *b, const char *rel)
{
    char pa[600], pb[600];
    char *x, *y;
    size_t nx, ny;

    snprintf(pa, sizeof pa, "%s/%s", a, rel);
    snprintf(pb, sizeof pb, "%s/%s", b, rel);
    x = read_all(pa, &nx);
    y = read_all(pb, &ny);
    ck_assert_msg(nx == ny && !memcmp(x, y, nx), "%s differs", rel);
    free(x);
    free(y);
}

static const char *const out_files[] = {
    "metafile.txt",
    "fields.txt",
    "messages.txt",
    "edits/N0050.edit",
    "edits/N0100.edit",
    "edits/N0200.edit",
    "edits/A%2FB%20weird%20tag.edit",
    "sets/SET_A.set",
    "sets/SET_B.set",
    "tables/SITE_LAT.csv",
    "tables/SITE_LAT.meta",
};

START_TEST(test_roundtrip_smf_dir_smf_is_identical)
{
    crtk_editdb *a = load_fixture(), *b = NULL, *c = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    struct stat st;
    char *d1 = strdup(path_in("d1")), *d2 = strdup(path_in("d2")), *f2 = strdup(path_in("b.smf"));
    int rc;

    rc = crtk_editdb_save_dir(a, d1, &err);
    ck_assert_msg(rc == CRTK_OK, "save_dir: %s: %s", err.source, err.message);
    rc = crtk_editdb_load_dir(&b, d1, &err);
    ck_assert_msg(rc == CRTK_OK, "load_dir: %s:%ld: %s", err.source, err.line, err.message);
    assert_same(a, b);
    rc = crtk_editdb_save_smf(b, f2, &err);
    ck_assert_msg(rc == CRTK_OK, "save_smf: %s", err.message);
    ck_assert_int_eq(stat(f2, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    rc = crtk_editdb_load_smf(&c, f2, &err);
    ck_assert_msg(rc == CRTK_OK, "load_smf: %s", err.message);
    assert_same(a, c);
    rc = crtk_editdb_save_dir(c, d2, &err);
    ck_assert_msg(rc == CRTK_OK, "save_dir: %s", err.message);
    for (size_t i = 0; i < sizeof out_files / sizeof *out_files; i++) {
        tree_equal(d1, d2, out_files[i]);
        ck_assert_int_eq(stat(path_in(out_files[i]), &st) == 0 || 1, 1);
    }
    {
        char p[600];
        snprintf(p, sizeof p, "%s/edits/N0100.edit", d1);
        ck_assert_int_eq(stat(p, &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0600);
    }
    crtk_editdb_free(a);
    crtk_editdb_free(b);
    crtk_editdb_free(c);
    free(d1);
    free(d2);
    free(f2);
}
END_TEST

START_TEST(test_text_format_is_readable)
{
    crtk_editdb *a = load_fixture();
    crtk_error err = CRTK_ERROR_INIT;
    char *text;
    size_t n;

    ck_assert_int_eq(crtk_editdb_save_dir(a, tmp, &err), CRTK_OK);
    text = read_all(path_in("edits/N0100.edit"), &n);
    ck_assert_str_eq(text, "tag: N0100\n"
                           "name: Primary Site (NAACCR)\n"
                           "agency: NAACCR\n"
                           "field: 400 Primary Site\n"
                           "message: 1000\n"
                           "modified: 20230115\n"
                           "description: Checks the site.\n"
                           "admin-notes: |\n"
                           "  notes\n"
                           "\n"
                           "  more  \n"
                           "logic: crlf\n"
                           "if (EMPTY(#S\"Primary Site\"))\n"
                           "    return PASS;\n"
                           "return FAIL;\n");
    free(text);
    text = read_all(path_in("tables/SITE_LAT.csv"), &n);
    ck_assert_str_eq(text, "SITE,LAT,NOTE\n"
                           "C340,1,plain\n"
                           "C341,2,\"a, comma\"\n"
                           "C500,9,\"say \"\"hi\"\"  \"\n");
    free(text);
    text = read_all(path_in("tables/SITE_LAT.meta"), &n);
    ck_assert_str_eq(text, "name: SITE_LAT\n"
                           "description: site/lat pairs\n"
                           "index: SITE_LAT_IDX SITE LAT\n"
                           "unique-index: SITE_LAT_U NOTE\n");
    free(text);
    text = read_all(path_in("sets/SET_B.set"), &n);
    ck_assert_str_eq(text, "tag: SET_B\nname: Set B\ndescription: the second set\n"
                           "edits:\nN0050\nN0100\nN0200\n");
    free(text);
    text = read_all(path_in("messages.txt"), &n);
    ck_assert_str_eq(text, "# NUMBER TYPE TEXT\n"
                           "1000 E %F1 is not valid\n"
                           "1001 - Conflict among %F1 and %F2\n"
                           "7001 W \"  blanks, \\\"quotes\\\" and \\\\ backslash \"\n");
    free(text);
    crtk_editdb_free(a);
}
END_TEST

START_TEST(test_save_dir_removes_stale_files_and_keeps_modes)
{
    crtk_editdb *a = load_fixture(), *b = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    struct stat st;

    ck_assert_int_eq(crtk_editdb_save_dir(a, tmp, &err), CRTK_OK);
    write_text(path_in("edits/ZZZ.edit"), "tag: ZZZ\nlogic:\nreturn PASS;\n");
    write_text(path_in("README"), "kept\n");
    ck_assert_int_eq(chmod(path_in("fields.txt"), 0644), 0);
    ck_assert_int_eq(crtk_editdb_save_dir(a, tmp, &err), CRTK_OK);
    ck_assert_int_eq(access(path_in("edits/ZZZ.edit"), F_OK), -1);
    ck_assert_int_eq(access(path_in("README"), F_OK), 0);
    ck_assert_int_eq(stat(path_in("fields.txt"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(crtk_editdb_load_dir(&b, tmp, &err), CRTK_OK);
    assert_same(a, b);
    crtk_editdb_free(a);
    crtk_editdb_free(b);
}
END_TEST

START_TEST(test_load_smf_mem_matches_file)
{
    crtk_editdb *a = load_fixture(), *b = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    size_t n;
    char *bytes = read_all(smf, &n);

    ck_assert_int_eq(crtk_editdb_load_smf_mem(&b, bytes, n, &err), CRTK_OK);
    assert_same(a, b);
    crtk_editdb_free(b);
    /* Truncated and damaged copies fail cleanly (no crash, no model). */
    for (size_t cut = 100; cut < n; cut += n / 7) {
        int rc = crtk_editdb_load_smf_mem(&b, bytes, cut, &err);
        if (rc == CRTK_OK)
            crtk_editdb_free(b);
        else
            ck_assert_ptr_null(b);
    }
    for (size_t i = 100; i < n; i += 97)
        bytes[i] ^= 0x5a;
    if (crtk_editdb_load_smf_mem(&b, bytes, n, &err) == CRTK_OK)
        crtk_editdb_free(b);
    free(bytes);
    crtk_editdb_free(a);
}
END_TEST

/* ---- metafile errors -------------------------------------------------------------------- */

START_TEST(test_load_smf_rejects_non_sqlite)
{
    crtk_editdb *db = (crtk_editdb *)1;
    crtk_error err = CRTK_ERROR_INIT;

    write_text(path_in("x.smf"), "this is not a database, just some text that is long enough\n");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, path_in("x.smf"), &err), CRTK_EPARSE);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(strstr(err.message, "not an SQLite database"));
    ck_assert_str_eq(err.source, path_in("x.smf"));
    ck_assert_int_eq(crtk_editdb_load_smf(&db, path_in("missing.smf"), &err), CRTK_EIO);
    ck_assert_int_eq(crtk_editdb_load_smf_mem(&db, "SQLite", 6, &err), CRTK_EPARSE);
    ck_assert_int_eq(crtk_editdb_load_smf(&db, tmp, &err), CRTK_EIO);
}
END_TEST

START_TEST(test_load_smf_requires_ee_edits)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(path_in("e.smf"), "CREATE TABLE EE_Control (PKey INTEGER PRIMARY KEY, ItemName, "
                               "ItemValue);");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, path_in("e.smf"), &err), CRTK_EINVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "EE_Edits"));
}
END_TEST

START_TEST(test_load_smf_rejects_dangling_pivot)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(smf, "INSERT INTO EE_EditFieldsPivot VALUES (66, 99, 11, 1);");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, smf, &err), CRTK_EINVALID);
    ck_assert_ptr_null(db);
    ck_assert_str_eq(err.message, "EE_EditFieldsPivot row PKey 66: EditPKey 99 is not in EE_Edits");
    ck_assert_str_eq(err.source, smf);
}
END_TEST

START_TEST(test_load_smf_rejects_null_logic)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(smf, "UPDATE EE_Edits SET EditLogic = NULL WHERE PKey = 42;");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, smf, &err), CRTK_EINVALID);
    ck_assert_str_eq(err.message, "EE_Edits row PKey 42: EditLogic is NULL");
    ck_assert_str_eq(err.item, "A/B weird tag");
}
END_TEST

START_TEST(test_load_smf_rejects_missing_lookup_table)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(smf, "DROP TABLE SITE_LAT;");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, smf, &err), CRTK_EINVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "SITE_LAT"));
}
END_TEST

START_TEST(test_load_smf_tolerates_missing_optional_tables)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(path_in("m.smf"), "CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, EditTag TEXT,"
                               " EditLogic TEXT);"
                               "INSERT INTO EE_Edits VALUES (1, 'E1', 'return PASS;');");
    ck_assert_int_eq(crtk_editdb_load_smf(&db, path_in("m.smf"), &err), CRTK_OK);
    ck_assert_uint_eq(crtk_editdb_edit_count(db), 1);
    ck_assert_str_eq(crtk_editdb_edit_name(crtk_editdb_edit_at(db, 0)), "");
    ck_assert_uint_eq(crtk_editdb_edit_field_count(crtk_editdb_edit_at(db, 0)), 0);
    ck_assert_uint_eq(crtk_editdb_set_count(db), 0);
    crtk_editdb_free(db);
}
END_TEST

START_TEST(test_save_smf_to_missing_folder_fails)
{
    crtk_editdb *a = load_fixture();
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk_editdb_save_smf(a, path_in("no/such/dir/x.smf"), &err), CRTK_EIO);
    crtk_editdb_free(a);
}
END_TEST

/* ---- text format errors ----------------------------------------------------------------- */

static void expect_dir_error(int code, const char *file, long line, const char *needle)
{
    crtk_editdb *db = (crtk_editdb *)1;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk_editdb_load_dir(&db, tmp, &err), code);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(err.source, file) != NULL, "source %s", err.source);
    ck_assert_int_eq(err.line, line);
    ck_assert_msg(strstr(err.message, needle) != NULL, "message: %s", err.message);
}

static void save_fixture_dir(void)
{
    crtk_editdb *a = load_fixture();
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk_editdb_save_dir(a, tmp, &err), CRTK_OK);
    crtk_editdb_free(a);
}

START_TEST(test_load_dir_unknown_key)
{
    save_fixture_dir();
    write_text(path_in("edits/N0100.edit"), "tag: N0100\nname: x\n\nfeilds: 400\nlogic:\nx\n");
    expect_dir_error(CRTK_EPARSE, "edits/N0100.edit", 4, "unknown key \"feilds\"");
}
END_TEST

START_TEST(test_load_dir_edit_without_logic)
{
    save_fixture_dir();
    write_text(path_in("edits/N0100.edit"), "tag: N0100\nname: x\n");
    expect_dir_error(CRTK_EINVALID, "edits/N0100.edit", 2, "no \"logic:\"");
}
END_TEST

START_TEST(test_load_dir_unknown_field)
{
    save_fixture_dir();
    write_text(path_in("edits/N0100.edit"), "tag: N0100\nfield: 400 Primary Site\n"
                                            "field: 123\nlogic:\n");
    expect_dir_error(CRTK_EINVALID, "edits/N0100.edit", 3, "field 123");
}
END_TEST

START_TEST(test_load_dir_set_names_unknown_edit)
{
    save_fixture_dir();
    write_text(path_in("sets/SET_A.set"), "tag: SET_A\nname: A\nedits:\nN0100\n\nN9999\n");
    expect_dir_error(CRTK_EINVALID, "sets/SET_A.set", 6, "\"N9999\"");
}
END_TEST

START_TEST(test_load_dir_csv_ragged_row)
{
    save_fixture_dir();
    write_text(path_in("tables/SITE_LAT.csv"), "SITE,LAT,NOTE\nC340,1,x\nC341,2\n");
    expect_dir_error(CRTK_EPARSE, "tables/SITE_LAT.csv", 3, "2 cells");
}
END_TEST

START_TEST(test_load_dir_bad_quoting)
{
    save_fixture_dir();
    write_text(path_in("edits/N0100.edit"), "tag: N0100\nname: \"abc\\q\"\nlogic:\n");
    expect_dir_error(CRTK_EPARSE, "edits/N0100.edit", 2, "escape");
}
END_TEST

START_TEST(test_load_dir_tag_must_match_file)
{
    save_fixture_dir();
    write_text(path_in("edits/N0100.edit"), "tag: N0101\nlogic:\n");
    expect_dir_error(CRTK_EINVALID, "edits/N0100.edit", 1, "does not match");
}
END_TEST

START_TEST(test_load_dir_needs_metafile_txt)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(crtk_editdb_load_dir(&db, path_in("nothing"), &err), CRTK_EIO);
    ck_assert_ptr_nonnull(strstr(err.source, "metafile.txt"));
}
END_TEST

/* Texts with every awkward byte survive the text format. */
START_TEST(test_awkward_texts_roundtrip)
{
    static const char *const texts[] = {
        "",           " ",
        "a ",         "\"q\"",
        "|",          "|crlf",
        "x\n",        "\n",
        "\n\n",       "a\n\nb",
        "a\r\nb\r\n", "a\rb",
        "\tx\t",      "a\x01z",
        "#hash",      "[sect]",
        "k: v",       "-",
        "a\r\n\n",    " \n \n ",
        "\\n",        "\xc3\xa9t\xc3\xa9",
        "a\n  b\n",   "\r\n",
    };
    crtk_error err = CRTK_ERROR_INIT;

    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        crtk_editdb *a = NULL, *b = NULL;
        char sql[8192], hex[256];
        size_t k = 0;

        for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
            k += (size_t)snprintf(hex + k, sizeof hex - k, "%02X", *p);
        hex[k] = '\0';
        snprintf(sql, sizeof sql,
                 "UPDATE EE_Edits SET Description = CAST(X'%s' AS TEXT),"
                 " AdminNotes = CAST(X'%s' AS TEXT), EditName = CAST(X'%s' AS TEXT),"
                 " EditLogic = CAST(X'%s' AS TEXT) WHERE PKey = 41;"
                 "UPDATE EE_Control SET ItemValue = CAST(X'%s' AS TEXT) WHERE PKey = 3;"
                 "UPDATE EE_Messages SET Message = CAST(X'%s' AS TEXT) WHERE PKey = 21;"
                 "UPDATE ee_fields SET FieldName = CAST(X'%s' AS TEXT),"
                 " LocalName = CAST(X'%s' AS TEXT) WHERE pkey = 13;"
                 "UPDATE SITE_LAT SET NOTE = CAST(X'%s' AS TEXT) WHERE PKey = 1;"
                 "UPDATE EE_EditErrorsPivot SET ErrorText = CAST(X'%s' AS TEXT) WHERE PKey = 95;",
                 hex, hex, hex, hex, hex, hex, hex, hex, hex, hex);
        exec_sql(smf, sql);
        a = load_fixture();
        ck_assert_int_eq(crtk_editdb_save_dir(a, path_in("aw"), &err), CRTK_OK);
        ck_assert_msg(crtk_editdb_load_dir(&b, path_in("aw"), &err) == CRTK_OK,
                      "text %zu: %s:%ld: %s", i, err.source, err.line, err.message);
        assert_same(a, b);
        ck_assert_str_eq(crtk_editdb_edit_logic(crtk_editdb_find_edit(b, "N0200")), texts[i]);
        crtk_editdb_free(a);
        crtk_editdb_free(b);
    }
}
END_TEST

/* Tags that need escaping in file names and set files survive the round trip. */
START_TEST(test_odd_tags_roundtrip)
{
    crtk_editdb *a = NULL, *b = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    exec_sql(path_in("t.smf"),
             "CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, EditTag TEXT, EditLogic TEXT);"
             "INSERT INTO EE_Edits VALUES (1, '#x', ''), (2, '.hidden', 'a'), (3, '%41', 'b'),"
             " (4, ' sp ', 'c'), (5, '\"q', 'd'), (6, 'a:b', 'e');"
             "CREATE TABLE EE_EditSets (PKey INTEGER PRIMARY KEY, EditSetTag TEXT);"
             "INSERT INTO EE_EditSets VALUES (1, '..');"
             "CREATE TABLE EE_EditSetEditsPivot (PKey INTEGER PRIMARY KEY, EditSetPKey INTEGER,"
             " EditPKey INTEGER);"
             "INSERT INTO EE_EditSetEditsPivot VALUES (1, 1, 1), (2, 1, 2), (3, 1, 3), (4, 1, 4),"
             " (5, 1, 5), (6, 1, 6);");
    ck_assert_int_eq(crtk_editdb_load_smf(&a, path_in("t.smf"), &err), CRTK_OK);
    ck_assert_int_eq(crtk_editdb_save_dir(a, path_in("t"), &err), CRTK_OK);
    ck_assert_int_eq(access(path_in("t/edits/%2Ehidden.edit"), F_OK), 0);
    ck_assert_int_eq(access(path_in("t/edits/%2541.edit"), F_OK), 0);
    ck_assert_int_eq(access(path_in("t/sets/%2E..set"), F_OK), 0);
    ck_assert_msg(crtk_editdb_load_dir(&b, path_in("t"), &err) == CRTK_OK, "%s:%ld: %s", err.source,
                  err.line, err.message);
    assert_same(a, b);
    ck_assert_uint_eq(crtk_editdb_set_edit_count(crtk_editdb_set_at(b, 0)), 6);
    crtk_editdb_free(a);
    crtk_editdb_free(b);
}
END_TEST

static Suite *editdb_suite(void)
{
    Suite *s = suite_create("editdb");
    TCase *tc = tcase_create("smf");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_smf_reads_every_table);
    tcase_add_test(tc, test_roundtrip_smf_dir_smf_is_identical);
    tcase_add_test(tc, test_text_format_is_readable);
    tcase_add_test(tc, test_save_dir_removes_stale_files_and_keeps_modes);
    tcase_add_test(tc, test_load_smf_mem_matches_file);
    tcase_add_test(tc, test_load_smf_rejects_non_sqlite);
    tcase_add_test(tc, test_load_smf_requires_ee_edits);
    tcase_add_test(tc, test_load_smf_rejects_dangling_pivot);
    tcase_add_test(tc, test_load_smf_rejects_null_logic);
    tcase_add_test(tc, test_load_smf_rejects_missing_lookup_table);
    tcase_add_test(tc, test_load_smf_tolerates_missing_optional_tables);
    tcase_add_test(tc, test_save_smf_to_missing_folder_fails);
    suite_add_tcase(s, tc);

    tc = tcase_create("dir");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_dir_unknown_key);
    tcase_add_test(tc, test_load_dir_edit_without_logic);
    tcase_add_test(tc, test_load_dir_unknown_field);
    tcase_add_test(tc, test_load_dir_set_names_unknown_edit);
    tcase_add_test(tc, test_load_dir_csv_ragged_row);
    tcase_add_test(tc, test_load_dir_bad_quoting);
    tcase_add_test(tc, test_load_dir_tag_must_match_file);
    tcase_add_test(tc, test_load_dir_needs_metafile_txt);
    tcase_add_test(tc, test_awkward_texts_roundtrip);
    tcase_add_test(tc, test_odd_tags_roundtrip);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(editdb_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
