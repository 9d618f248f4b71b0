/* editdb.c - the in-memory metafile model: accessors, canonical ordering and the checks of
 * cross references shared by both loaders. Elements live in plain arrays sorted by their key,
 * so lookups are binary searches and every save walks the same order (deterministic output).
 * The model is never modified after a load returns. */
#include "editdb_internal.h"
#include "error_internal.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int crtk__editdb_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    return crtk__grow(arr, cap, n + 1, elem);
}

char *crtk__editdb_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int crtk__editdb_push_str(char ***arr, size_t *n, size_t *cap, const char *s)
{
    char *c;

    if (crtk__editdb_grow((void **)arr, cap, *n, sizeof **arr) < 0)
        return CRTK_ENOMEM;
    c = strdup(s);
    if (!c)
        return CRTK_ENOMEM;
    (*arr)[(*n)++] = c;
    return CRTK_OK;
}

static void free_strv(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void crtk__editdb_edit_clear(crtk_editdb_edit *e)
{
    free(e->tag);
    free(e->name);
    free(e->agency);
    free(e->field_numbers);
    free_strv(e->field_names, e->nfields);
    free(e->messages);
    free_strv(e->tables, e->ntables);
    free_strv(e->errors, e->nerrors);
    free(e->description);
    free(e->admin_notes);
    free(e->modified);
    free(e->logic);
    memset(e, 0, sizeof *e);
    e->message = -1;
}

void crtk__editdb_set_clear(crtk_editdb_set *s)
{
    free(s->tag);
    free(s->name);
    free(s->description);
    free_strv(s->edits, s->nedits);
    memset(s, 0, sizeof *s);
}

void crtk__editdb_table_clear(crtk_editdb_table *t)
{
    free(t->name);
    free(t->description);
    free_strv(t->cols, t->ncols);
    if (t->cells) {
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
            free(t->cells[i]);
        free(t->cells);
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        free(t->indexes[i].name);
        free_strv(t->indexes[i].cols, t->indexes[i].ncols);
    }
    free(t->indexes);
    memset(t, 0, sizeof *t);
}

void crtk_editdb_free(crtk_editdb *db)
{
    if (!db)
        return;
    free_strv(db->control_names, db->ncontrol);
    free_strv(db->control_values, db->ncontrol);
    for (size_t i = 0; i < db->nagencies; i++) {
        free(db->agencies[i].code);
        free(db->agencies[i].name);
    }
    free(db->agencies);
    for (size_t i = 0; i < db->nfields; i++) {
        free(db->fields[i].name);
        free(db->fields[i].local_name);
        free(db->fields[i].type);
    }
    free(db->fields);
    for (size_t i = 0; i < db->nmessages; i++) {
        free(db->messages[i].text);
        free(db->messages[i].type);
    }
    free(db->messages);
    for (size_t i = 0; i < db->nedits; i++)
        crtk__editdb_edit_clear(&db->edits[i]);
    free(db->edits);
    for (size_t i = 0; i < db->nsets; i++)
        crtk__editdb_set_clear(&db->sets[i]);
    free(db->sets);
    for (size_t i = 0; i < db->ntables; i++)
        crtk__editdb_table_clear(&db->tables[i]);
    free(db->tables);
    free(db);
}

bool crtk__editdb_reserved_table(const char *s)
{
    return !strncasecmp(s, "EE_", 3) || !strncasecmp(s, "sqlite_", 7);
}

/* ---- canonical order and checks -------------------------------------------------------- */

static int cmp_long(long a, long b)
{
    return a < b ? -1 : a > b;
}

static int cmp_field(const void *a, const void *b)
{
    return cmp_long(((const crtk_editdb_field *)a)->number, ((const crtk_editdb_field *)b)->number);
}

static int cmp_message(const void *a, const void *b)
{
    return cmp_long(((const crtk_editdb_message *)a)->number,
                    ((const crtk_editdb_message *)b)->number);
}

static int cmp_agency(const void *a, const void *b)
{
    return strcmp(((const crtk_editdb_agency *)a)->code, ((const crtk_editdb_agency *)b)->code);
}

static int cmp_edit(const void *a, const void *b)
{
    return strcmp(((const crtk_editdb_edit *)a)->tag, ((const crtk_editdb_edit *)b)->tag);
}

static int cmp_set(const void *a, const void *b)
{
    return strcmp(((const crtk_editdb_set *)a)->tag, ((const crtk_editdb_set *)b)->tag);
}

static int cmp_table(const void *a, const void *b)
{
    return strcmp(((const crtk_editdb_table *)a)->name, ((const crtk_editdb_table *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
    return strcmp(((const editdb_index *)a)->name, ((const editdb_index *)b)->name);
}

static int check_tables(crtk_editdb *db, crtk_error *err)
{
    for (size_t i = 0; i < db->ntables; i++) {
        crtk_editdb_table *t = &db->tables[i];

        if (!*t->name)
            return crtk__fail(err, CRTK_EINVALID, "a lookup table has an empty name");
        if (crtk__editdb_reserved_table(t->name))
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                 "lookup table name \"%s\" is reserved", t->name);
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(db->tables[j].name, t->name))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                     "lookup table \"%s\" appears twice", t->name);
        if (!t->ncols)
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                 "lookup table \"%s\" has no data columns", t->name);
        for (size_t c = 0; c < t->ncols; c++) {
            if (!*t->cols[c] || !strcasecmp(t->cols[c], "PKey"))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                     "lookup table \"%s\": column name \"%s\" is not allowed",
                                     t->name, t->cols[c]);
            for (size_t d = 0; d < c; d++)
                if (!strcasecmp(t->cols[c], t->cols[d]))
                    return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                         "lookup table \"%s\": column \"%s\" appears twice",
                                         t->name, t->cols[c]);
        }
        if (t->nindexes > 1)
            qsort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_index);
        for (size_t x = 0; x < t->nindexes; x++) {
            editdb_index *ix = &t->indexes[x];
            if (!*ix->name || !ix->ncols)
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                     "lookup table \"%s\": index \"%s\" needs a name and columns",
                                     t->name, ix->name);
            if (crtk__editdb_reserved_table(ix->name))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                     "lookup table \"%s\": index name \"%s\" is reserved", t->name,
                                     ix->name);
            for (size_t c = 0; c < ix->ncols; c++)
                if (strcasecmp(ix->cols[c], "PKey") &&
                    crtk_editdb_table_find_column(t, ix->cols[c]) < 0)
                    return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                         "lookup table \"%s\": index \"%s\" names unknown "
                                         "column \"%s\"",
                                         t->name, ix->name, ix->cols[c]);
            /* SQLite index names share one namespace with the tables. */
            for (size_t j = 0; j <= i; j++) {
                crtk_editdb_table *u = &db->tables[j];
                if (!strcasecmp(u->name, ix->name))
                    return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                         "index name \"%s\" is also a table name", ix->name);
                for (size_t y = 0; y < (j == i ? x : u->nindexes); y++)
                    if (!strcasecmp(u->indexes[y].name, ix->name))
                        return crtk__fail_at(err, CRTK_EINVALID, 0, 0, t->name,
                                             "index name \"%s\" appears twice", ix->name);
            }
        }
    }
    return CRTK_OK;
}

int crtk__editdb_sort_base(crtk_editdb *db, crtk_error *err)
{
    if (db->nfields > 1)
        qsort(db->fields, db->nfields, sizeof *db->fields, cmp_field);
    for (size_t i = 1; i < db->nfields; i++)
        if (db->fields[i].number == db->fields[i - 1].number)
            return crtk__fail(err, CRTK_EINVALID, "field number %ld appears twice",
                              db->fields[i].number);
    if (db->nmessages > 1)
        qsort(db->messages, db->nmessages, sizeof *db->messages, cmp_message);
    for (size_t i = 1; i < db->nmessages; i++)
        if (db->messages[i].number == db->messages[i - 1].number)
            return crtk__fail(err, CRTK_EINVALID, "message number %ld appears twice",
                              db->messages[i].number);
    if (db->nagencies > 1)
        qsort(db->agencies, db->nagencies, sizeof *db->agencies, cmp_agency);
    for (size_t i = 0; i < db->nagencies; i++)
        if (!*db->agencies[i].code ||
            (i && !strcmp(db->agencies[i].code, db->agencies[i - 1].code)))
            return crtk__fail(err, CRTK_EINVALID, "agency code \"%s\" is empty or appears twice",
                              db->agencies[i].code);
    if (db->ntables > 1)
        qsort(db->tables, db->ntables, sizeof *db->tables, cmp_table);
    return check_tables(db, err);
}

int crtk__editdb_finish(crtk_editdb *db, crtk_error *err)
{
    int rc = crtk__editdb_sort_base(db, err);

    if (rc < 0)
        return rc;
    if (db->nedits > 1)
        qsort(db->edits, db->nedits, sizeof *db->edits, cmp_edit);
    for (size_t i = 0; i < db->nedits; i++) {
        crtk_editdb_edit *e = &db->edits[i];

        if (!*e->tag)
            return crtk__fail(err, CRTK_EINVALID, "an edit has an empty tag");
        if (i && !strcmp(e->tag, db->edits[i - 1].tag))
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag, "edit tag \"%s\" appears twice",
                                 e->tag);
        for (size_t f = 0; f < e->nfields; f++) {
            const crtk_editdb_field *fd = crtk_editdb_find_field(db, e->field_numbers[f]);
            if (!fd)
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag,
                                     "edit %s: field %ld is not in the fields", e->tag,
                                     e->field_numbers[f]);
            if (!e->field_names[f]) {
                e->field_names[f] = strdup(fd->name);
                if (!e->field_names[f])
                    return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            }
        }
        if (e->message >= 0 && !crtk_editdb_find_message(db, e->message))
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag,
                                 "edit %s: message %ld is not in the messages", e->tag, e->message);
        for (size_t m = 0; m < e->nmessages; m++)
            if (!crtk_editdb_find_message(db, e->messages[m]))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag,
                                     "edit %s: message %ld is not in the messages", e->tag,
                                     e->messages[m]);
        for (size_t t = 0; t < e->ntables; t++)
            if (!crtk_editdb_find_table(db, e->tables[t]))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag,
                                     "edit %s: lookup table \"%s\" does not exist", e->tag,
                                     e->tables[t]);
        if (*e->agency && !crtk_editdb_find_agency(db, e->agency))
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, e->tag,
                                 "edit %s: agency \"%s\" is not in the agencies", e->tag,
                                 e->agency);
    }
    if (db->nsets > 1)
        qsort(db->sets, db->nsets, sizeof *db->sets, cmp_set);
    for (size_t i = 0; i < db->nsets; i++) {
        crtk_editdb_set *s = &db->sets[i];

        if (!*s->tag)
            return crtk__fail(err, CRTK_EINVALID, "an edit set has an empty tag");
        if (i && !strcmp(s->tag, db->sets[i - 1].tag))
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, s->tag,
                                 "edit set tag \"%s\" appears twice", s->tag);
        for (size_t j = 0; j < s->nedits; j++)
            if (!crtk_editdb_find_edit(db, s->edits[j]))
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, s->tag,
                                     "edit set %s: edit \"%s\" does not exist", s->tag,
                                     s->edits[j]);
    }
    return CRTK_OK;
}

/* ---- accessors ------------------------------------------------------------------------- */

size_t crtk_editdb_control_count(const crtk_editdb *db)
{
    return db->ncontrol;
}

const char *crtk_editdb_control_name(const crtk_editdb *db, size_t i)
{
    return i < db->ncontrol ? db->control_names[i] : NULL;
}

const char *crtk_editdb_control_value(const crtk_editdb *db, size_t i)
{
    return i < db->ncontrol ? db->control_values[i] : NULL;
}

const char *crtk_editdb_control_get(const crtk_editdb *db, const char *name)
{
    for (size_t i = 0; i < db->ncontrol; i++)
        if (!strcasecmp(db->control_names[i], name))
            return db->control_values[i];
    return NULL;
}

size_t crtk_editdb_agency_count(const crtk_editdb *db)
{
    return db->nagencies;
}

const crtk_editdb_agency *crtk_editdb_agency_at(const crtk_editdb *db, size_t i)
{
    return i < db->nagencies ? &db->agencies[i] : NULL;
}

const crtk_editdb_agency *crtk_editdb_find_agency(const crtk_editdb *db, const char *code)
{
    crtk_editdb_agency key = {(char *)code, NULL};

    if (!db->nagencies)
        return NULL;
    return bsearch(&key, db->agencies, db->nagencies, sizeof key, cmp_agency);
}

const char *crtk_editdb_agency_code(const crtk_editdb_agency *a)
{
    return a->code;
}

const char *crtk_editdb_agency_name(const crtk_editdb_agency *a)
{
    return a->name;
}

size_t crtk_editdb_field_count(const crtk_editdb *db)
{
    return db->nfields;
}

const crtk_editdb_field *crtk_editdb_field_at(const crtk_editdb *db, size_t i)
{
    return i < db->nfields ? &db->fields[i] : NULL;
}

const crtk_editdb_field *crtk_editdb_find_field(const crtk_editdb *db, long number)
{
    crtk_editdb_field key;

    if (!db->nfields)
        return NULL;
    memset(&key, 0, sizeof key);
    key.number = number;
    return bsearch(&key, db->fields, db->nfields, sizeof key, cmp_field);
}

const crtk_editdb_field *crtk_editdb_find_field_name(const crtk_editdb *db, const char *name)
{
    for (size_t i = 0; i < db->nfields; i++)
        if (!strcasecmp(db->fields[i].name, name))
            return &db->fields[i];
    return NULL;
}

long crtk_editdb_field_number(const crtk_editdb_field *f)
{
    return f->number;
}

const char *crtk_editdb_field_name(const crtk_editdb_field *f)
{
    return f->name;
}

const char *crtk_editdb_field_local_name(const crtk_editdb_field *f)
{
    return f->local_name;
}

long crtk_editdb_field_length(const crtk_editdb_field *f)
{
    return f->length;
}

const char *crtk_editdb_field_type(const crtk_editdb_field *f)
{
    return f->type;
}

size_t crtk_editdb_message_count(const crtk_editdb *db)
{
    return db->nmessages;
}

const crtk_editdb_message *crtk_editdb_message_at(const crtk_editdb *db, size_t i)
{
    return i < db->nmessages ? &db->messages[i] : NULL;
}

const crtk_editdb_message *crtk_editdb_find_message(const crtk_editdb *db, long number)
{
    crtk_editdb_message key = {number, NULL, NULL};

    if (!db->nmessages)
        return NULL;
    return bsearch(&key, db->messages, db->nmessages, sizeof key, cmp_message);
}

long crtk_editdb_message_number(const crtk_editdb_message *m)
{
    return m->number;
}

const char *crtk_editdb_message_text(const crtk_editdb_message *m)
{
    return m->text;
}

const char *crtk_editdb_message_type(const crtk_editdb_message *m)
{
    return m->type;
}

size_t crtk_editdb_edit_count(const crtk_editdb *db)
{
    return db->nedits;
}

const crtk_editdb_edit *crtk_editdb_edit_at(const crtk_editdb *db, size_t i)
{
    return i < db->nedits ? &db->edits[i] : NULL;
}

const crtk_editdb_edit *crtk_editdb_find_edit(const crtk_editdb *db, const char *tag)
{
    crtk_editdb_edit key;

    if (!db->nedits)
        return NULL;
    memset(&key, 0, sizeof key);
    key.tag = (char *)tag;
    return bsearch(&key, db->edits, db->nedits, sizeof key, cmp_edit);
}

const char *crtk_editdb_edit_tag(const crtk_editdb_edit *e)
{
    return e->tag;
}

const char *crtk_editdb_edit_name(const crtk_editdb_edit *e)
{
    return e->name;
}

const char *crtk_editdb_edit_agency(const crtk_editdb_edit *e)
{
    return e->agency;
}

size_t crtk_editdb_edit_field_count(const crtk_editdb_edit *e)
{
    return e->nfields;
}

long crtk_editdb_edit_field_number(const crtk_editdb_edit *e, size_t i)
{
    return i < e->nfields ? e->field_numbers[i] : -1;
}

const char *crtk_editdb_edit_field_name(const crtk_editdb_edit *e, size_t i)
{
    return i < e->nfields ? e->field_names[i] : NULL;
}

long crtk_editdb_edit_message(const crtk_editdb_edit *e)
{
    return e->message;
}

size_t crtk_editdb_edit_message_count(const crtk_editdb_edit *e)
{
    return e->nmessages;
}

long crtk_editdb_edit_message_at(const crtk_editdb_edit *e, size_t i)
{
    return i < e->nmessages ? e->messages[i] : -1;
}

size_t crtk_editdb_edit_table_count(const crtk_editdb_edit *e)
{
    return e->ntables;
}

const char *crtk_editdb_edit_table_at(const crtk_editdb_edit *e, size_t i)
{
    return i < e->ntables ? e->tables[i] : NULL;
}

size_t crtk_editdb_edit_error_count(const crtk_editdb_edit *e)
{
    return e->nerrors;
}

const char *crtk_editdb_edit_error_at(const crtk_editdb_edit *e, size_t i)
{
    return i < e->nerrors ? e->errors[i] : NULL;
}

const char *crtk_editdb_edit_description(const crtk_editdb_edit *e)
{
    return e->description;
}

const char *crtk_editdb_edit_admin_notes(const crtk_editdb_edit *e)
{
    return e->admin_notes;
}

const char *crtk_editdb_edit_modified(const crtk_editdb_edit *e)
{
    return e->modified;
}

const char *crtk_editdb_edit_logic(const crtk_editdb_edit *e)
{
    return e->logic;
}

size_t crtk_editdb_set_count(const crtk_editdb *db)
{
    return db->nsets;
}

const crtk_editdb_set *crtk_editdb_set_at(const crtk_editdb *db, size_t i)
{
    return i < db->nsets ? &db->sets[i] : NULL;
}

const crtk_editdb_set *crtk_editdb_find_set(const crtk_editdb *db, const char *tag)
{
    crtk_editdb_set key;

    if (!db->nsets)
        return NULL;
    memset(&key, 0, sizeof key);
    key.tag = (char *)tag;
    return bsearch(&key, db->sets, db->nsets, sizeof key, cmp_set);
}

const char *crtk_editdb_set_tag(const crtk_editdb_set *s)
{
    return s->tag;
}

const char *crtk_editdb_set_name(const crtk_editdb_set *s)
{
    return s->name;
}

const char *crtk_editdb_set_description(const crtk_editdb_set *s)
{
    return s->description;
}

size_t crtk_editdb_set_edit_count(const crtk_editdb_set *s)
{
    return s->nedits;
}

const char *crtk_editdb_set_edit_at(const crtk_editdb_set *s, size_t i)
{
    return i < s->nedits ? s->edits[i] : NULL;
}

size_t crtk_editdb_table_count(const crtk_editdb *db)
{
    return db->ntables;
}

const crtk_editdb_table *crtk_editdb_table_at(const crtk_editdb *db, size_t i)
{
    return i < db->ntables ? &db->tables[i] : NULL;
}

const crtk_editdb_table *crtk_editdb_find_table(const crtk_editdb *db, const char *name)
{
    for (size_t i = 0; i < db->ntables; i++)
        if (!strcasecmp(db->tables[i].name, name))
            return &db->tables[i];
    return NULL;
}

const char *crtk_editdb_table_name(const crtk_editdb_table *t)
{
    return t->name;
}

const char *crtk_editdb_table_description(const crtk_editdb_table *t)
{
    return t->description;
}

size_t crtk_editdb_table_column_count(const crtk_editdb_table *t)
{
    return t->ncols;
}

const char *crtk_editdb_table_column(const crtk_editdb_table *t, size_t col)
{
    return col < t->ncols ? t->cols[col] : NULL;
}

long crtk_editdb_table_find_column(const crtk_editdb_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcasecmp(t->cols[i], name))
            return (long)i;
    return -1;
}

size_t crtk_editdb_table_row_count(const crtk_editdb_table *t)
{
    return t->nrows;
}

const char *crtk_editdb_table_cell(const crtk_editdb_table *t, size_t row, size_t col)
{
    return row < t->nrows && col < t->ncols ? t->cells[row * t->ncols + col] : NULL;
}

size_t crtk_editdb_table_index_count(const crtk_editdb_table *t)
{
    return t->nindexes;
}

const char *crtk_editdb_table_index_name(const crtk_editdb_table *t, size_t i)
{
    return i < t->nindexes ? t->indexes[i].name : NULL;
}

bool crtk_editdb_table_index_unique(const crtk_editdb_table *t, size_t i)
{
    return i < t->nindexes && t->indexes[i].unique;
}

size_t crtk_editdb_table_index_column_count(const crtk_editdb_table *t, size_t i)
{
    return i < t->nindexes ? t->indexes[i].ncols : 0;
}

const char *crtk_editdb_table_index_column(const crtk_editdb_table *t, size_t i, size_t j)
{
    return i < t->nindexes && j < t->indexes[i].ncols ? t->indexes[i].cols[j] : NULL;
}
