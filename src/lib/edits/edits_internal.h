/* edits_internal.h - shared types of the EDITS interpreter stages: tokens (edits_lex.c),
 * AST (edits_parse.c), name binding (edits_resolve.c), bytecode (edits_compile.c), VM and
 * built-ins (edits_vm.c, edits_builtins.c, edits_mask.c, edits_date.c, edits_table.c). */
#ifndef CRTK_EDITS_INTERNAL_H
#define CRTK_EDITS_INTERNAL_H

#include "crtk/edits.h"
#include "strbuf.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define EDIT_MAX_CALL_DEPTH 64  /* user FUNCTION nesting at run time */
#define EDIT_MAX_MESSAGES   256 /* messages kept per run (more still flag the failure) */
#define EDIT_ARENA_MAX      (16u * 1024 * 1024) /* scratch string bytes per statement */
#define EDIT_MAX_CODE       (1u << 22)

/* ---- lexer --------------------------------------------------------------------------- */

#define TOKENS(X)                \
    X(EOF, "end of input")       \
    X(IDENT, "identifier")       \
    X(NUMBER, "number")          \
    X(STRING, "string")          \
    X(CHAR, "character literal") \
    X(FIELD, "field reference")  \
    X(CONST, "constant")         \
    X(LPAREN, "'('")             \
    X(RPAREN, "')'")             \
    X(LBRACE, "'{'")             \
    X(RBRACE, "'}'")             \
    X(LBRACKET, "'['")           \
    X(RBRACKET, "']'")           \
    X(COMMA, "','")              \
    X(SEMI, "';'")               \
    X(ASSIGN, "'='")             \
    X(EQ, "'=='")                \
    X(NE, "'!='")                \
    X(LT, "'<'")                 \
    X(LE, "'<='")                \
    X(GT, "'>'")                 \
    X(GE, "'>='")                \
    X(PLUS, "'+'")               \
    X(MINUS, "'-'")              \
    X(STAR, "'*'")               \
    X(SLASH, "'/'")              \
    X(PERCENT, "'%'")            \
    X(NOT, "NOT")                \
    X(AND, "AND")                \
    X(OR, "OR")                  \
    X(IF, "IF")                  \
    X(ELSE, "ELSE")              \
    X(WHILE, "WHILE")            \
    X(RETURN, "RETURN")          \
    X(FUNCTION, "FUNCTION")      \
    X(INT, "int")                \
    X(LONG, "long")              \
    X(CHARKW, "char")            \
    X(TABLEVAR, "tablevar")

enum tok {
#define X(name, text) T_##name,
    TOKENS(X)
#undef X
};

/* Named constants (value kinds: integer, or DT_TODAY which is a string). */
enum cid {
    C_TRUE,
    C_FALSE,
    C_PASS,
    C_FAIL,
    C_DT_ERROR,
    C_DT_EMPTY,
    C_DT_UNKNOWN,
    C_DT_DAY_EMPTY,
    C_DT_MONTH_EMPTY,
    C_DT_MIN,
    C_DT_MAX,
    C_DT_EXACT,
    C_DT_TODAY,
    C_BOTH,
    C_LEFT,
    C_RIGHT
};

typedef struct token {
    enum tok type;
    const char *p; /* token text in the source (for STRING/CHAR/FIELD: inside the quotes) */
    size_t len;
    long line, col;
    int64_t ival; /* NUMBER value; CONST: enum cid */
    bool local;   /* FIELD: #L rather than #S */
} token;

typedef struct lexer {
    const char *src, *end, *cur;
    long line;
    const char *line_start;
    crtk_error *err;
} lexer;

void crtk__edits_lex_init(lexer *lx, const char *src, size_t len, crtk_error *err);
/* Next token into *t: CRTK_OK or CRTK_EPARSE (err filled). */
int crtk__edits_lex_next(lexer *lx, token *t);
const char *crtk__edits_tok_name(enum tok t);
int64_t crtk__edits_const_value(enum cid c);
const char *crtk__edits_const_name(enum cid c);

/* ---- AST ----------------------------------------------------------------------------- */

enum nkind {
    /* expressions */
    N_INT,
    N_STR,
    N_CONST,
    N_FIELD,
    N_VAR,
    N_INDEX,
    N_CALL,
    N_UNARY,
    N_BINARY,
    N_AND,
    N_OR,
    /* statements */
    N_BLOCK,
    N_DECL,
    N_ASSIGN,
    N_EXPRSTMT,
    N_IF,
    N_WHILE,
    N_RETURN,
    N_FUNCDEF,
    N_EMPTY
};

enum vtype { TY_VOID, TY_INT, TY_STR };

enum vkind { V_INT, V_STR, V_TABLEVAR };

typedef struct node node;
struct node {
    enum nkind kind;
    enum tok op;     /* N_UNARY/N_BINARY operator; N_DECL type keyword */
    enum vtype type; /* set by the resolver for expressions */
    long line, col;
    node *a, *b, *c; /* children: operands, condition/then/else, target/value */
    node **list;     /* N_CALL args, N_BLOCK statements, N_DECL declarators */
    int nlist;
    char *name; /* identifier, string literal contents, field name (NUL-terminated) */
    size_t nlen;
    int64_t ival; /* N_INT value, N_CONST cid, declarator array size (-1: none) */
    /* resolver results */
    int var; /* variable index into edit->vars */
    int fn;  /* builtin id, or user function index (is_user) */
    bool is_user;
    int slot, width; /* N_FIELD */
    int site;        /* lookup call site index, -1 none */
};

typedef struct ast_chunk ast_chunk;
typedef struct ast {
    ast_chunk *chunks;
    node *root; /* N_BLOCK */
    bool eval_mode;
} ast;

void *crtk__edits_ast_alloc(ast *a, size_t size);
void crtk__edits_ast_free(ast *a);
/* Parse into *a (arena-allocated). eval_mode accepts expression statements. */
int crtk__edits_parse(ast *a, const char *src, size_t len, bool eval_mode, crtk_error *err);

/* ---- tables -------------------------------------------------------------------------- */

typedef struct tkey {
    const char *k; /* key: the key columns' values concatenated, R-trimmed */
    uint32_t len;
    uint32_t row;
} tkey;

typedef struct tindex {
    int *cols; /* key columns */
    int ncols;
    tkey *ents; /* sorted by key, then row */
    char *keymem;
    size_t n;
} tindex;

struct crtk_edit_table {
    char *name;
    char **cols;
    size_t ncols;
    char **cells; /* row-major */
    size_t nrows, caprows;
    pthread_mutex_t lock;
    tindex **ix;
    size_t nix;
};

/* Column index by name (case-insensitive), -1 if none. */
int crtk__edits_table_col(const crtk_edit_table *t, const char *name, size_t len);
/* Find or build the index on columns (indexes into t->cols); thread-safe. */
int crtk__edits_table_get_index(crtk_edit_table *t, const int *cols, int ncols, const tindex **out);
/* Exact match (first of duplicates) / floor match (last of duplicates). Row or -1. */
long crtk__edits_index_find(const tindex *ix, const char *key, size_t len);
long crtk__edits_index_floor(const tindex *ix, const char *key, size_t len);
/* Cell text (NUL-terminated) */
static inline const char *table_cell(const crtk_edit_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

/* ---- bytecode ------------------------------------------------------------------------- */

/* name, operand, pops, pushes (-1 = depends on the operand) */
#define CRTK_OPCODES(X)                                                                      \
    X(PUSH_INT, INT, 0, 1)                                                                   \
    X(PUSH_STR, STR, 0, 1)                                                                   \
    X(PUSH_TODAY, NONE, 0, 1)                                                                \
    X(PUSH_VARREF, VAR, 0, 1)                                                                \
    X(LOAD_FIELD, FIELD, 0, 1)                                                               \
    X(LOAD_INT, VAR, 0, 1)                                                                   \
    X(STORE_INT, VAR, 1, 0)                                                                  \
    X(LOAD_STR, VAR, 0, 1)                                                                   \
    X(STORE_STR, VAR, 1, 0)                                                                  \
    X(LOAD_CHAR, VAR, 1, 1)                                                                  \
    X(STORE_CHAR, VAR, 2, 0)                                                                 \
    X(NEG, NONE, 1, 1)                                                                       \
    X(NOT, NONE, 1, 1)                                                                       \
    X(ADD, NONE, 2, 1)                                                                       \
    X(SUB, NONE, 2, 1)                                                                       \
    X(MUL, NONE, 2, 1)                                                                       \
    X(DIV, NONE, 2, 1)                                                                       \
    X(MOD, NONE, 2, 1)                                                                       \
    X(EQ, NONE, 2, 1)                                                                        \
    X(NE, NONE, 2, 1)                                                                        \
    X(LT, NONE, 2, 1)                                                                        \
    X(LE, NONE, 2, 1)                                                                        \
    X(GT, NONE, 2, 1)                                                                        \
    X(GE, NONE, 2, 1)                                                                        \
    X(JUMP, JUMP, 0, 0)                                                                      \
    X(JZ, JUMP, 1, 0)                                                                        \
    X(JNZ, JUMP, 1, 0)                                                                       \
    X(CALL, BUILTIN, -1, 1)                                                                  \
    X(POP, NONE, 1, 0)                                                                       \
    X(CALLF, JUMP, 0, 0)                                                                     \
    X(RETF, NONE, 0, 0)                                                                      \
    X(RESET, NONE, 0, 0)                                                                     \
    X(RETURN, NONE, 1, 0)                                                                    \
    X(RETURN_STR, NONE, 1, 0)                                                                \
    X(HALT, NONE, 0, 0)                                                                      \
    /* fused pairs (see fuse() in edits_compile.c): the first instruction of a pair becomes  \
     * one of these, does both and steps over the second */                                  \
    X(RETURN_K, INT, 0, 0)          /* PUSH_INT k; RETURN */                                 \
    X(EMPTY_FIELD, FIELD, 0, 1)     /* LOAD_FIELD; CALL EMPTY/1 */                           \
    X(EMPTY_FIELD_JZ, FIELD, 0, 0)  /* LOAD_FIELD; CALL EMPTY/1; JZ: to the JZ's target when \
                                       the field is not blank */                             \
    X(EMPTY_FIELD_JNZ, FIELD, 0, 0) /* LOAD_FIELD; CALL EMPTY/1; JNZ: to the target when     \
                                       it is blank */                                        \
    X(NOT_JZ, NONE, 1, 0)           /* NOT; JZ: to the JZ's target when x != 0 */            \
    X(FIELD_STR_CALL, FIELD, 0, 1)  /* LOAD_FIELD; PUSH_STR; CALL b/2 */

enum op {
#define X(name, operand, pops, pushes) OP_##name,
    CRTK_OPCODES(X)
#undef X
        OP__COUNT
};

typedef struct insn {
    uint8_t op;
    uint8_t n; /* CALL: argument count */
    int32_t a; /* var index, jump target, string index, builtin id, field slot */
    int64_t k; /* PUSH_INT value, LOAD_FIELD width, CALL site (-1 none) */
} insn;

typedef struct estr {
    char *s;
    size_t len;
} estr;

typedef struct evar {
    char *name;
    enum vkind kind;
    int func;  /* owning FUNCTION index, -1 = edit-global */
    int size;  /* char capacity (V_STR/V_TABLEVAR) */
    int index; /* into ints[] or strs[] */
} evar;

typedef struct sbind {
    int str; /* string variable index */
    int col; /* table column */
} sbind;

typedef struct site {
    crtk_edit_table *table;
    const tindex *ix;
    sbind *binds;
    int nbind;
    int mask;                 /* MATCH/INLIST: precompiled mask index, -1 */
    struct inlist_prog *list; /* INLIST with a literal list: the list compiled, or NULL */
} site;

typedef struct efield {
    char *name;
    int slot, width;
} efield;

typedef struct mask_prog mask_prog;
typedef struct pcond pcond; /* edits_prefilter.c */
typedef struct pstmt pstmt;

#define CRTK_EDIT_MAX_GUARD 8

struct crtk_edit {
    /* first, in two cache lines: what every run reads (prefilter or VM) */
    int npstmts;
    bool values_nul_free;
    bool subscripts; /* the logic reads or stores s[i]: buffers are zeroed per run */
    long max_instructions;
    size_t ncode;
    pstmt *pstmts; /* the pure opening statements (edits_prefilter.c) */
    pcond *pconds; /* their conditions, in the same allocation */
    insn *code;
    estr *strs; /* string constants */
    size_t max_stack;
    size_t nints;  /* int variables */
    size_t nsvars; /* string variables */
    size_t sbytes;
    uint32_t *soff;                /* offset of each string variable in the state's storage */
    int today_y, today_m, today_d; /* 0: real date */
    site *sites;
    mask_prog **masks;
    /* the rest */
    int npconds;
    char *name;
    int guard[CRTK_EDIT_MAX_GUARD]; /* field slots: the edit passes at once if one is blank */
    int nguard;
    long *lines;
    size_t nstrs;
    evar *vars;
    size_t nvars;
    uint32_t *scap; /* capacity of each */
    size_t nsites;
    size_t nmasks;
    efield *fields; /* FieldOrder list */
    size_t nfields;
    char **funcs; /* user function names (dump) */
    size_t nfuncs;
    crtk_edit_message_fn message;
    void *message_ctx;
    long default_message;
    bool fail_warnings;
    bool eval_mode;
};

/* ---- VM ---------------------------------------------------------------------------------- */

typedef struct val {
    int64_t i;
    const char *s;
    int32_t n;
} val;

typedef struct arena_chunk arena_chunk;

struct crtk_edit_state {
    val *stack;
    size_t stackcap;
    int64_t *ints;
    size_t intcap;
    char *smem;
    size_t smemcap;
    int32_t *slen;
    size_t slencap;
    arena_chunk *chunks, *cur;
    size_t arena_used;
    crtk_edit_message *msgs;
    size_t *msgoff;
    size_t nmsg, capmsg;
    strbuf msgtext;
    strbuf pending; /* ERROR_TEXT / ERROR_MSG message */
    long pending_number;
    bool has_pending;
    bool failed;
    char dc[32];
    int future_years;
    int real_y, real_m, real_d; /* real date, computed once */
    int today_y, today_m, today_d;
    char today_str[9];
    strbuf result_str; /* eval: final string value */
    char errbuf[160];
    strbuf scratch;    /* SAVE_ERROR_TEXT text joining */
    mask_prog *mcache; /* last mask compiled at run time, and its text */
    strbuf mcache_text;
    /* current run */
    const crtk_edit *edit;
    crtk_edit_value_fn value;
    void *value_ctx;
    const char *rt_error;
};

/* Allocate n scratch bytes valid until the next RESET; NULL when the arena limit is hit. */
char *crtk__edits_arena(crtk_edit_state *st, size_t n);

/* ---- built-ins ----------------------------------------------------------------------- */

/* name, C function, min args, max args (-1 = variadic), argument kinds, result type.
 * Argument kinds: i int, s string, d destination char variable, t "TABLE.INDEX" literal,
 * T table name literal, C column list literal, m mask (literal precompiled), x int or string,
 * * repeat the previous kind. */
#define CRTK_BUILTINS(X)                                       \
    X(EMPTY, empty, 1, 1, "s", INT)                            \
    X(VAL, val, 1, 1, "s", INT)                                \
    X(STRLEN, strlen, 1, 1, "s", INT)                          \
    X(TRIM, trim, 2, 2, "si", STR)                             \
    X(LEFT, left, 2, 2, "si", STR)                             \
    X(RIGHT, right, 2, 2, "si", STR)                           \
    X(UPPER, upper, 1, 1, "s", STR)                            \
    X(LOWER, lower, 1, 1, "s", STR)                            \
    X(SUBSTR, substr, 2, 3, "sii", STR)                        \
    X(STRCPY, strcpy, 2, 3, "dsi", INT)                        \
    X(STRCAT, strcat, 2, 3, "dsi", INT)                        \
    X(STRCMP, strcmp, 2, 3, "ssi", INT)                        \
    X(FMTSTR, fmtstr, 3, 3, "dsi", INT)                        \
    X(AT, at, 2, 3, "ssi", INT)                                \
    X(JUSTIFIED, justified, 2, 2, "si", INT)                   \
    X(MATCH, match, 2, 2, "sm", INT)                           \
    X(INLIST, inlist, 2, 5, "ssmii", INT)                      \
    X(LOOKUP, lookup, 2, 2, "st", INT)                         \
    X(ILOOKUP, lookup, 2, 2, "st", INT)                        \
    X(RLOOKUP, rlookup, 2, 2, "st", INT)                       \
    X(SQLLOOKUP, sqllookup, 3, 3, "TCs", INT)                  \
    X(SQLRANGELOOKUP, sqlrangelookup, 3, 3, "TCs", INT)        \
    X(VALID_DATE_IOP, valid_date, 1, 1, "s", INT)              \
    X(ALLOW_FUTURE_DATE_IOP, allow_future, 1, 1, "i", INT)     \
    X(DATE_YEAR_IOP, date_year, 1, 1, "s", INT)                \
    X(DATE_MONTH_IOP, date_month, 1, 1, "s", INT)              \
    X(DATE_DAY_IOP, date_day, 1, 1, "s", INT)                  \
    X(DATECMP_IOP, datecmp, 3, 3, "ssi", INT)                  \
    X(DAYDIFF_IOP, daydiff, 3, 3, "ssi", INT)                  \
    X(MONTHDIFF_IOP, monthdiff, 3, 3, "ssi", INT)              \
    X(YEARDIFF_IOP, yeardiff, 3, 3, "ssi", INT)                \
    X(DAYINTERVAL_IOP, dayinterval, 5, 5, "ssiii", INT)        \
    X(MONTHINTERVAL_IOP, monthinterval, 5, 5, "ssiii", INT)    \
    X(YEARINTERVAL_IOP, yearinterval, 5, 5, "ssiii", INT)      \
    X(ERROR_TEXT, error_text, 1, 1, "s", INT)                  \
    X(ERROR_MSG, error_msg, 1, 1, "i", INT)                    \
    X(SAVE_TEXT, save_text, 1, 1, "s", INT)                    \
    X(SAVE_ERROR_TEXT, save_error_text, 1, -1, "xs*", INT)     \
    X(SET_ERROR, set_error, 1, -1, "xs*", INT)                 \
    X(SAVE_WARNING_TEXT, save_warning_text, 1, -1, "xs*", INT) \
    X(SET_WARNING, set_warning, 1, -1, "xs*", INT)             \
    X(USR2, usr2, 0, -1, "xs*", INT)                           \
    X(USR4, usr4, 0, -1, "xs*", INT)

enum builtin {
#define X(name, fn, mn, mx, kinds, ret) B_##name,
    CRTK_BUILTINS(X)
#undef X
        B__COUNT
};

typedef struct builtin_info {
    const char *name;
    int min, max;
    const char *kinds;
    enum vtype ret;
} builtin_info;

extern const builtin_info crtk__edits_builtins[B__COUNT];

/* A built-in: args[0..argc) in, result into *out. Returns 0, or -1 with st->rt_error set. */
typedef int (*builtin_fn)(crtk_edit_state *st, const insn *in, val *args, int argc, val *out);
extern const builtin_fn crtk__edits_builtin_fns[B__COUNT];
#define X(name, fn, mn, mx, kinds, ret) \
    int crtk__edits_bi_##fn(crtk_edit_state *st, const insn *in, val *a, int argc, val *out);
CRTK_BUILTINS(X)
#undef X

/* Messages (edits_vm.c) */
int crtk__edits_add_message(
    crtk_edit_state *st, crtk_edit_msg_type type, long number, const char *text, size_t len);
int crtk__edits_set_pending(crtk_edit_state *st, long number, const char *text, size_t len);
const char *crtk__edits_message_text(crtk_edit_state *st, long number);

/* Masks (edits_mask.c) */
int crtk__edits_mask_compile(mask_prog **out, const char *mask, size_t len);
void crtk__edits_mask_free(mask_prog *m);
bool crtk__edits_mask_match(const mask_prog *m, const char *s, size_t n);
/* Match with a mask given as text at run time (compiled into st->scratch). */
bool crtk__edits_mask_match_text(
    crtk_edit_state *st, const char *mask, size_t mlen, const char *s, size_t n);
bool crtk__edits_inlist(const char *v, size_t n, const char *list, size_t ln);
/* A literal INLIST list compiled once: single values sorted for binary search, ranges sorted
 * by their low end; the same answers as crtk__edits_inlist on the list's text. */
typedef struct inlist_prog inlist_prog;
int crtk__edits_inlist_compile(inlist_prog **out, const char *list, size_t ln);
void crtk__edits_inlist_free(inlist_prog *p);
bool crtk__edits_inlist_match(const inlist_prog *p, const char *v, size_t n);

/* A field's value as LOAD_FIELD pushes it: `width` bytes, blanks when the provider has none,
 * cut at a NUL unless the provider promised none (edits_vm.c). */
const char *crtk__edits_load_value(
    bool nul_free, crtk_edit_value_fn value, void *ctx, int slot, int width, size_t *n);

/* The pure opening of an edit (edits_prefilter.c): built after codegen; true when the
 * opening alone makes the edit pass for these values (false when the
 * edit has none, or its budget is too small to decide it outside the VM). */
int crtk__edits_prefilter_build(const ast *a, crtk_edit *e);
/* `return PASS` (or TRUE, or 1), alone or in a block of its own. */
bool crtk__edits_returns_pass(const node *n);
/* A declaration whose initialisers (if any) are literals: it changes nothing observable
 * before the statements that follow it. */
bool crtk__edits_quiet_decl(const node *d);
void crtk__edits_prefilter_free(crtk_edit *e);
bool crtk__edits_prefilter_pass(const crtk_edit *e, crtk_edit_value_fn value, void *ctx);

/* Dates (edits_date.c) */
void crtk__edits_real_today(int *y, int *m, int *d);

/* Compile pipeline */
int crtk__edits_resolve(ast *a, crtk_edit *e, const crtk_edit_options *opt, crtk_error *err);
int crtk__edits_codegen(const ast *a, crtk_edit *e, crtk_error *err);
int crtk__edits_compile_mode(crtk_edit **out,
                             const char *name,
                             const char *src,
                             size_t len,
                             const crtk_edit_options *opt,
                             bool eval_mode,
                             crtk_error *err);
/* Run; for eval mode, the RETURN_STR value is left in st->result_str and *is_str set. */
int crtk__edits_exec(const crtk_edit *e,
                     crtk_edit_state *st,
                     crtk_edit_value_fn value,
                     void *ctx,
                     crtk_edit_result *res,
                     bool *is_str);

/* Small helpers */
static inline bool is_blank_all(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ')
            return false;
    return true;
}
static inline size_t rtrim_len(const char *s, size_t n)
{
    while (n > 0 && (unsigned char)s[n - 1] <= ' ')
        n--;
    return n;
}
int crtk__edits_strieq(const char *a, size_t alen, const char *b);

#endif
