/* layouts_internal.h - layout internals shared with readers, writers and tests. */
#ifndef CRTK_LAYOUTS_INTERNAL_H
#define CRTK_LAYOUTS_INTERNAL_H

#include <stddef.h>
#include <stdbool.h>
#include "crtk/layouts.h"

typedef struct crtk__embedded {
    const char *name;
    const char *text;
    size_t len;
} crtk__embedded;

/* Built-in layout files compiled into the library (NULL-terminated). */
extern const crtk__embedded crtk__builtin_files[];

struct crtk_layout {
    char *name, *description, *uri, *spec, *file;
    int version;
    crtk_layout_kind kind;
    int reclen[4]; /* A, M, C, I */
    crtk_item *items;
    int n, cap;
    int level_count[CRTK_LEVELS];
    int *hid, *hnum, *hname; /* open-addressing hashes: item index + 1, 0 = empty */
    unsigned hcap;
    char **strings; /* owned strings */
    int nstrings, capstrings;
    const crtk_layout *base; /* combined dictionaries: their parts */
    const crtk_layout **parts;
    int nparts;
};

struct combined {
    const crtk_layout *base;
    const crtk_layout **users;
    int n;
    crtk_layout *result;
};

struct rename {
    char *old_id, *new_id;
};

struct crtk_layouts {
    crtk_layout **list;
    int n, cap;
    struct combined *comb;
    int ncomb, capcomb;
    struct rename *ren;
    int nren;
};

int crtk__layout_index(crtk_layout *l);
void crtk__layout_free(crtk_layout *l);
char *crtk__layout_strdup(crtk_layout *l, const char *s, size_t n);
crtk_item *crtk__layout_add_item(crtk_layout *l);
int crtk__layouts_register(crtk_layouts *ls, crtk_layout *l);
int crtk__layout_check(const crtk_layout *l, const char *name, crtk_error *err);
int crtk__read_file(const char *path, char **buf, size_t *len, crtk_error *err);
bool crtk__valid_naaccr_id(const char *s, size_t n);

/* naaccrId lookup for items read in sequence (XML files repeat one order of items in every
 * Patient and Tumor): memo (crtk_layout_count(l) + 1 ints, zeroed, owned by the caller)
 * remembers for each item the item that followed it last time; prev is the index of the
 * item read before in the same container, -1 for its first. A hit costs one comparison of
 * the id; a miss falls back to the hash and updates the memo, so any order is correct. */
const crtk_item *
crtk__layout_find_after(const crtk_layout *l, int *memo, int prev, const char *id, size_t n);

/* Record-type index 0..3 of a letter, -1 if none. */
int crtk__rt_index(char c);

#endif
