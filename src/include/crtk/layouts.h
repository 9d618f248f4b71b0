/* crtk/layouts.h - NAACCR dictionaries and fixed-width layouts: the item definitions
 * every reader, writer and edit resolves names against. */
#ifndef CRTK_LAYOUTS_H
#define CRTK_LAYOUTS_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** XML level of an item (parentXmlElement). */
typedef enum crtk_level {
    CRTK_LEVEL_ROOT = 0, /* NaaccrData */
    CRTK_LEVEL_PATIENT = 1,
    CRTK_LEVEL_TUMOR = 2
} crtk_level;
#define CRTK_LEVELS 3

/** NAACCR dataType. */
typedef enum crtk_dtype {
    CRTK_TYPE_TEXT = 0,
    CRTK_TYPE_DIGITS,
    CRTK_TYPE_ALPHA,
    CRTK_TYPE_MIXED,
    CRTK_TYPE_NUMERIC,
    CRTK_TYPE_DATE,
    CRTK_TYPE_DATETIME
} crtk_dtype;

/** NAACCR padding (how a value is justified in a fixed-width field). */
typedef enum crtk_padding {
    CRTK_PAD_NONE = 0,
    CRTK_PAD_RIGHT_BLANK,
    CRTK_PAD_LEFT_BLANK,
    CRTK_PAD_RIGHT_ZERO,
    CRTK_PAD_LEFT_ZERO
} crtk_padding;

/** Record type bits (NaaccrData recordType / item 10). */
#define CRTK_RT_A   1u
#define CRTK_RT_M   2u
#define CRTK_RT_C   4u
#define CRTK_RT_I   8u
#define CRTK_RT_ALL 15u

/** Kind of layout. */
typedef enum crtk_layout_kind {
    CRTK_LAYOUT_DICTIONARY = 0,  /* a NAACCR base dictionary (XML) */
    CRTK_LAYOUT_USER_DICTIONARY, /* a user-defined dictionary (adds items) */
    CRTK_LAYOUT_FLAT             /* a fixed-width layout (record lengths known) */
} crtk_layout_kind;

/** One item definition. Owned by its layout; valid while the layout lives. */
typedef struct crtk_item {
    int num;          /* NAACCR item number */
    const char *id;   /* naaccrId */
    const char *name; /* naaccrName */
    int start;        /* 1-based fixed-width column, 0 when the item has none */
    int length;       /* characters */
    crtk_dtype type;
    crtk_padding padding;
    bool trim;      /* trim="all" (true) or "none" */
    bool unlimited; /* allowUnlimitedText */
    crtk_level level;
    unsigned rectypes;  /* CRTK_RT_* bits */
    int index;          /* position in its layout, 0-based */
    int slot;           /* position among the layout's items of the same level */
    const char *origin; /* layout name the item was defined in */
} crtk_item;

typedef struct crtk_layout crtk_layout;
typedef struct crtk_layouts crtk_layouts;

/** Name ("naaccr-dictionary-250", "naaccr-flat-18", or a user layout's @layout). */
CRTK_API const char *crtk_layout_name(const crtk_layout *l);
/** Description line. */
CRTK_API const char *crtk_layout_description(const crtk_layout *l);
CRTK_API crtk_layout_kind crtk_layout_kind_of(const crtk_layout *l);
/** NAACCR version as 3 digits (180, 250; flat 12 says 122). */
CRTK_API int crtk_layout_version(const crtk_layout *l);
/** Dictionary URI, "" when none. */
CRTK_API const char *crtk_layout_uri(const crtk_layout *l);
/** Specification version of a dictionary ("1.8"), "" when none. */
CRTK_API const char *crtk_layout_spec(const crtk_layout *l);
/** Fixed-width record length for a record type letter ('A','M','C','I'); 0 = no flat form. */
CRTK_API int crtk_layout_record_length(const crtk_layout *l, char record_type);
CRTK_API int crtk_layout_count(const crtk_layout *l);
/** Item i (0-based, in layout order), NULL when out of range. */
CRTK_API const crtk_item *crtk_layout_item(const crtk_layout *l, int i);
/** Number of items at a level (their slots are 0..n-1). */
CRTK_API int crtk_layout_level_count(const crtk_layout *l, crtk_level level);
/** Item by naaccrId (exact), NULL when unknown. O(1). */
CRTK_API const crtk_item *crtk_layout_find(const crtk_layout *l, const char *naaccr_id);
/** Same with a length-delimited id. */
CRTK_API const crtk_item *crtk_layout_find_n(const crtk_layout *l, const char *id, size_t n);
/** Item by NAACCR number, NULL when unknown. */
CRTK_API const crtk_item *crtk_layout_find_num(const crtk_layout *l, int num);
/** Item by NAACCR name, case-insensitive ("Date of Diagnosis"), NULL when unknown. */
CRTK_API const crtk_item *crtk_layout_find_name(const crtk_layout *l, const char *name);

/** The layout registry: the built-in NAACCR layouts plus any the user added.
 *  Built-ins are compiled into the library, so no file is needed at run time. */
CRTK_API CRTK_NODISCARD int crtk_layouts_new(crtk_layouts **out, crtk_error *err);
CRTK_API void crtk_layouts_free(crtk_layouts *ls);
/** Parse a layout file in crtk's text format (docs/layout-format.md) and add it.
 *  *out (may be NULL) receives the borrowed layout. */
CRTK_API CRTK_NODISCARD int
crtk_layouts_add_file(crtk_layouts *ls, const char *path, const crtk_layout **out, crtk_error *err);
/** Same from memory (name used in error messages). */
CRTK_API CRTK_NODISCARD int crtk_layouts_add_text(crtk_layouts *ls,
                                                  const char *name,
                                                  const char *text,
                                                  size_t len,
                                                  const crtk_layout **out,
                                                  crtk_error *err);
/** Load a NAACCR user-defined dictionary (NaaccrDictionary XML), validated as the NAACCR
 *  XML standard requires against the base dictionary of its version. */
CRTK_API CRTK_NODISCARD int crtk_layouts_add_dictionary(crtk_layouts *ls,
                                                        const char *path,
                                                        const crtk_layout **out,
                                                        crtk_error *err);
CRTK_API CRTK_NODISCARD int crtk_layouts_add_dictionary_mem(crtk_layouts *ls,
                                                            const char *name,
                                                            const char *xml,
                                                            size_t len,
                                                            const crtk_layout **out,
                                                            crtk_error *err);
CRTK_API int crtk_layouts_count(const crtk_layouts *ls);
CRTK_API const crtk_layout *crtk_layouts_at(const crtk_layouts *ls, int i);
/** Layout by name ("naaccr-dictionary-250"), NULL when unknown. */
CRTK_API const crtk_layout *crtk_layouts_by_name(const crtk_layouts *ls, const char *name);
/** Layout by dictionary URI, NULL when unknown. */
CRTK_API const crtk_layout *crtk_layouts_by_uri(const crtk_layouts *ls, const char *uri);
/** Base dictionary of a version (140..260; 14/18/25 accepted as short forms). */
CRTK_API const crtk_layout *crtk_layouts_dictionary(const crtk_layouts *ls, int version);
/** Default user dictionary of a version, NULL when the version has none (220+). */
CRTK_API const crtk_layout *crtk_layouts_default_user(const crtk_layouts *ls, int version);
/** Fixed-width layout of a version (12,13,14,15,16,18 or 120..180; 122 = 12). A user
 *  flat layout added later with the same @version wins. NULL when none. */
CRTK_API const crtk_layout *crtk_layouts_flat(const crtk_layouts *ls, int version);
/** Normalise a version as a user writes it ("18", "180", "25", "250", "122") to 3 digits;
 *  0 when not a NAACCR version. */
CRTK_API int crtk_version_normalize(const char *text);

/** Combine a base dictionary and user dictionaries into one runtime dictionary (owned by
 *  the registry, cached: the same inputs give the same pointer). Checks the rules of the
 *  NAACCR XML standard across them (ids, numbers, columns). */
CRTK_API CRTK_NODISCARD int crtk_layouts_combine(crtk_layouts *ls,
                                                 const crtk_layout *base,
                                                 const crtk_layout *const *user,
                                                 int n_user,
                                                 const crtk_layout **out,
                                                 crtk_error *err);

CRTK_API const char *crtk_dtype_name(crtk_dtype t);
CRTK_API const char *crtk_padding_name(crtk_padding p);
CRTK_API const char *crtk_level_name(crtk_level l);
/** "A,M,C,I" form of a record type bit set, written into buf (>= 8 bytes). */
CRTK_API const char *crtk_rectypes_str(unsigned rt, char *buf, size_t cap);
/** Record type letter to bit, 0 when not A/M/C/I. */
CRTK_API unsigned crtk_rectype_bit(char c);

/** New naaccrId for an id renamed between NAACCR 17 and 18 (or by spec 1.4), NULL if none. */
CRTK_API const char *crtk_layouts_renamed(const crtk_layouts *ls, const char *old_id);

#ifdef __cplusplus
}
#endif
#endif
