/* edits_compile.c - AST to bytecode for the stack VM, the compile entry point and the
 * disassembler. Conditions compile to jumps (AND/OR short-circuit and yield 1/0); FUNCTION
 * bodies go after the main program's HALT and are entered with CALLF. A statement that calls
 * a string-returning built-in starts with RESET, which recycles the scratch string arena, so
 * memory stays flat however long a WHILE loop runs. The compiler tracks the stack depth so a
 * state can size its stack once per edit. */
#include "edits_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen {
    crtk_edit *e;
    crtk_error *err;
    size_t cap, capstrs;
    int depth;
    int *fentry; /* entry pc of each user function */
    struct {
        size_t pc;
        int fn;
    } * calls;
    size_t ncalls, capcalls;
} gen;

static void find_guard(const ast *a, crtk_edit *e);

static int oom(gen *g)
{
    return crtk__fail(g->err, CRTK_ENOMEM, "out of memory");
}

static void adjust(gen *g, int pops, int pushes)
{
    g->depth += pushes - pops;
    if (g->depth > (int)g->e->max_stack)
        g->e->max_stack = (size_t)g->depth;
}

static int emit(gen *g, enum op op, int n, int32_t a, int64_t k, long line)
{
    static const signed char pops[] = {
#define X(name, operand, pops, pushes) pops,
        CRTK_OPCODES(X)
#undef X
    };
    static const signed char pushes[] = {
#define X(name, operand, pops, pushes) pushes,
        CRTK_OPCODES(X)
#undef X
    };
    crtk_edit *e = g->e;

    if (e->ncode == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        insn *c;
        long *l;
        if (cap > EDIT_MAX_CODE)
            return crtk__fail_at(g->err, CRTK_ELIMIT, line, 0, NULL, "edit too large");
        c = realloc(e->code, cap * sizeof *c);
        if (!c)
            return oom(g);
        e->code = c;
        l = realloc(e->lines, cap * sizeof *l);
        if (!l)
            return oom(g);
        e->lines = l;
        g->cap = cap;
    }
    e->code[e->ncode].op = (uint8_t)op;
    e->code[e->ncode].n = (uint8_t)n;
    e->code[e->ncode].a = a;
    e->code[e->ncode].k = k;
    e->lines[e->ncode] = line;
    e->ncode++;
    adjust(g, pops[op] < 0 ? n : pops[op], pushes[op]);
    return CRTK_OK;
}

static int add_str(gen *g, const char *s, size_t n)
{
    crtk_edit *e = g->e;
    char *d;

    if (e->nstrs == g->capstrs) {
        size_t cap = g->capstrs ? g->capstrs * 2 : 16;
        estr *v = realloc(e->strs, cap * sizeof *v);
        if (!v)
            return oom(g);
        e->strs = v;
        g->capstrs = cap;
    }
    d = malloc(n + 1);
    if (!d)
        return oom(g);
    memcpy(d, s, n);
    d[n] = '\0';
    e->strs[e->nstrs].s = d;
    e->strs[e->nstrs].len = n;
    return (int)e->nstrs++;
}

static bool allocates(const node *n)
{
    if (!n)
        return false;
    if (n->kind == N_CALL) {
        if (!n->is_user && crtk__edits_builtins[n->fn].ret == TY_STR)
            return true;
        for (int i = 0; i < n->nlist; i++)
            if (allocates(n->list[i]))
                return true;
        return false;
    }
    if (n->kind == N_DECL) {
        for (int i = 0; i < n->nlist; i++)
            if (allocates(n->list[i]->a))
                return true;
        return false;
    }
    if (n->kind >= N_BLOCK && n->kind != N_ASSIGN && n->kind != N_EXPRSTMT && n->kind != N_RETURN)
        return false; /* nested statements get their own RESET */
    return allocates(n->a) || allocates(n->b);
}

static int expr(gen *g, const node *n);

static int var_index(const gen *g, const node *n)
{
    return g->e->vars[n->var].index;
}

static int call(gen *g, const node *n)
{
    const builtin_info *b;
    size_t nk;
    int pushed = 0, rc;

    if (n->is_user) {
        if (g->ncalls == g->capcalls) {
            size_t cap = g->capcalls ? g->capcalls * 2 : 8;
            void *p = realloc(g->calls, cap * sizeof *g->calls);
            if (!p)
                return oom(g);
            g->calls = p;
            g->capcalls = cap;
        }
        g->calls[g->ncalls].pc = g->e->ncode;
        g->calls[g->ncalls].fn = n->fn;
        g->ncalls++;
        return emit(g, OP_CALLF, 0, 0, 0, n->line);
    }
    b = &crtk__edits_builtins[n->fn];
    nk = strlen(b->kinds);
    for (int i = 0; i < n->nlist; i++) {
        char k = (size_t)i < nk ? b->kinds[i] : '*';
        if (k == '*')
            k = b->kinds[nk - 2];
        if (k == 't' || k == 'T' || k == 'C')
            continue;
        if (k == 'd')
            rc = emit(g, OP_PUSH_VARREF, 0, var_index(g, n->list[i]), 0, n->list[i]->line);
        else
            rc = expr(g, n->list[i]);
        if (rc < 0)
            return rc;
        pushed++;
    }
    if (n->fn == B_SQLLOOKUP || n->fn == B_SQLRANGELOOKUP)
        pushed = 1;
    if (b->kinds[0] == 'x') /* tell the built-in whether argument 1 is text */
        return emit(g, OP_CALL, pushed, n->fn, n->nlist > 0 && n->list[0]->type == TY_STR, n->line);
    return emit(g, OP_CALL, pushed, n->fn, n->site, n->line);
}

static int logical(gen *g, const node *n)
{
    enum op jmp = n->kind == N_AND ? OP_JZ : OP_JNZ;
    size_t j1, j2, j3;
    int rc, base = g->depth;

    rc = expr(g, n->a);
    j1 = g->e->ncode;
    if (rc == CRTK_OK)
        rc = emit(g, jmp, 0, 0, 0, n->line);
    if (rc == CRTK_OK)
        rc = expr(g, n->b);
    j2 = g->e->ncode;
    if (rc == CRTK_OK)
        rc = emit(g, jmp, 0, 0, 0, n->line);
    if (rc == CRTK_OK)
        rc = emit(g, OP_PUSH_INT, 0, 0, n->kind == N_AND ? 1 : 0, n->line);
    j3 = g->e->ncode;
    if (rc == CRTK_OK)
        rc = emit(g, OP_JUMP, 0, 0, 0, n->line);
    if (rc < 0)
        return rc;
    g->e->code[j1].a = (int32_t)g->e->ncode;
    g->e->code[j2].a = (int32_t)g->e->ncode;
    g->depth = base;
    rc = emit(g, OP_PUSH_INT, 0, 0, n->kind == N_AND ? 0 : 1, n->line);
    g->e->code[j3].a = (int32_t)g->e->ncode;
    return rc;
}

static int expr(gen *g, const node *n)
{
    static const enum op binops[][2] = {
        {(enum op)T_PLUS, OP_ADD},  {(enum op)T_MINUS, OP_SUB},   {(enum op)T_STAR, OP_MUL},
        {(enum op)T_SLASH, OP_DIV}, {(enum op)T_PERCENT, OP_MOD}, {(enum op)T_EQ, OP_EQ},
        {(enum op)T_NE, OP_NE},     {(enum op)T_LT, OP_LT},       {(enum op)T_LE, OP_LE},
        {(enum op)T_GT, OP_GT},     {(enum op)T_GE, OP_GE},
    };
    int rc, s;

    switch (n->kind) {
    case N_INT:
        return emit(g, OP_PUSH_INT, 0, 0, n->ival, n->line);
    case N_STR:
        s = add_str(g, n->name, n->nlen);
        if (s < 0)
            return s;
        return emit(g, OP_PUSH_STR, 0, s, 0, n->line);
    case N_CONST:
        if (n->ival == C_DT_TODAY)
            return emit(g, OP_PUSH_TODAY, 0, 0, 0, n->line);
        return emit(g, OP_PUSH_INT, 0, 0, crtk__edits_const_value((enum cid)n->ival), n->line);
    case N_FIELD:
        return emit(g, OP_LOAD_FIELD, 0, n->slot, n->width, n->line);
    case N_VAR:
        return emit(g, n->type == TY_INT ? OP_LOAD_INT : OP_LOAD_STR, 0, var_index(g, n), 0,
                    n->line);
    case N_INDEX:
        rc = expr(g, n->a);
        if (rc < 0)
            return rc;
        g->e->subscripts = true;
        return emit(g, OP_LOAD_CHAR, 0, var_index(g, n), 0, n->line);
    case N_CALL:
        return call(g, n);
    case N_UNARY:
        rc = expr(g, n->a);
        if (rc < 0)
            return rc;
        return emit(g, n->op == T_MINUS ? OP_NEG : OP_NOT, 0, 0, 0, n->line);
    case N_AND:
    case N_OR:
        return logical(g, n);
    case N_BINARY:
        rc = expr(g, n->a);
        if (rc == CRTK_OK)
            rc = expr(g, n->b);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < sizeof binops / sizeof binops[0]; i++)
            if ((int)binops[i][0] == (int)n->op)
                return emit(g, binops[i][1], 0, 0, 0, n->line);
        return crtk__fail_at(g->err, CRTK_EINVALID, n->line, n->col, NULL, "bad operator");
    default:
        return crtk__fail_at(g->err, CRTK_EINVALID, n->line, n->col, NULL, "bad expression");
    }
}

static int store(gen *g, const node *target, const node *value)
{
    int rc;

    if (target->kind == N_INDEX) {
        rc = expr(g, target->a);
        if (rc == CRTK_OK)
            rc = expr(g, value);
        if (rc < 0)
            return rc;
        g->e->subscripts = true;
        return emit(g, OP_STORE_CHAR, value->type == TY_STR, var_index(g, target), 0, target->line);
    }
    rc = expr(g, value);
    if (rc < 0)
        return rc;
    return emit(g, target->type == TY_INT ? OP_STORE_INT : OP_STORE_STR, 0, var_index(g, target), 0,
                target->line);
}

static int stmt(gen *g, const node *n, bool final)
{
    int rc = CRTK_OK;
    size_t j1, j2, top;

    if (!n)
        return CRTK_OK;
    if (allocates(n) && n->kind != N_IF && n->kind != N_WHILE) {
        rc = emit(g, OP_RESET, 0, 0, 0, n->line);
        if (rc < 0)
            return rc;
    }
    switch (n->kind) {
    case N_BLOCK:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++)
            rc = stmt(g, n->list[i], final && i == n->nlist - 1);
        return rc;
    case N_EMPTY:
    case N_FUNCDEF:
        return CRTK_OK;
    case N_DECL:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++)
            if (n->list[i]->a)
                rc = store(g, n->list[i], n->list[i]->a);
        return rc;
    case N_ASSIGN:
        return store(g, n->a, n->b);
    case N_EXPRSTMT:
        rc = expr(g, n->a);
        if (rc < 0 || n->a->type == TY_VOID)
            return rc;
        if (final && g->e->eval_mode)
            return emit(g, n->a->type == TY_STR ? OP_RETURN_STR : OP_RETURN, 0, 0, 0, n->line);
        return emit(g, OP_POP, 0, 0, 0, n->line);
    case N_RETURN:
        rc = expr(g, n->a);
        if (rc < 0)
            return rc;
        return emit(g, n->a->type == TY_STR ? OP_RETURN_STR : OP_RETURN, 0, 0, 0, n->line);
    case N_IF:
        if (allocates(n->a))
            rc = emit(g, OP_RESET, 0, 0, 0, n->line);
        if (rc == CRTK_OK)
            rc = expr(g, n->a);
        j1 = g->e->ncode;
        if (rc == CRTK_OK)
            rc = emit(g, OP_JZ, 0, 0, 0, n->line);
        if (rc == CRTK_OK)
            rc = stmt(g, n->b, false);
        if (rc < 0)
            return rc;
        if (n->c) {
            j2 = g->e->ncode;
            rc = emit(g, OP_JUMP, 0, 0, 0, n->line);
            g->e->code[j1].a = (int32_t)g->e->ncode;
            if (rc == CRTK_OK)
                rc = stmt(g, n->c, false);
            g->e->code[j2].a = (int32_t)g->e->ncode;
        } else {
            g->e->code[j1].a = (int32_t)g->e->ncode;
        }
        return rc;
    case N_WHILE:
        top = g->e->ncode;
        if (allocates(n->a))
            rc = emit(g, OP_RESET, 0, 0, 0, n->line);
        if (rc == CRTK_OK)
            rc = expr(g, n->a);
        j1 = g->e->ncode;
        if (rc == CRTK_OK)
            rc = emit(g, OP_JZ, 0, 0, 0, n->line);
        if (rc == CRTK_OK)
            rc = stmt(g, n->b, false);
        if (rc == CRTK_OK)
            rc = emit(g, OP_JUMP, 0, (int32_t)top, 0, n->line);
        if (rc == CRTK_OK)
            g->e->code[j1].a = (int32_t)g->e->ncode;
        return rc;
    default:
        return crtk__fail_at(g->err, CRTK_EINVALID, n->line, n->col, NULL, "bad statement");
    }
}

/* Common instruction pairs and triples done by one dispatch. The first instruction becomes a
 * fused form that does the work of all and steps over the others, which stay as they were:
 * a jump to one of them still finds it, so no jump target moves. */
static void fuse(crtk_edit *e)
{
    insn *c = e->code;

    for (size_t i = 0; i + 1 < e->ncode; i++) {
        enum op third = i + 2 < e->ncode ? (enum op)c[i + 2].op : OP_HALT;
        if (c[i].op == OP_PUSH_INT && c[i + 1].op == OP_RETURN) {
            c[i].op = OP_RETURN_K;
        } else if (c[i].op == OP_NOT && c[i + 1].op == OP_JZ) {
            c[i].op = OP_NOT_JZ;
        } else if (c[i].op == OP_LOAD_FIELD && c[i + 1].op == OP_CALL && c[i + 1].a == B_EMPTY &&
                   c[i + 1].n == 1) {
            c[i].op = third == OP_JZ    ? OP_EMPTY_FIELD_JZ
                      : third == OP_JNZ ? OP_EMPTY_FIELD_JNZ
                                        : OP_EMPTY_FIELD;
        } else if (c[i].op == OP_LOAD_FIELD && c[i + 1].op == OP_PUSH_STR && third == OP_CALL &&
                   c[i + 2].n == 2) {
            c[i].op = OP_FIELD_STR_CALL;
        }
    }
}

int crtk__edits_codegen(const ast *a, crtk_edit *e, crtk_error *err)
{
    gen g;
    const node *root = a->root;
    int rc = CRTK_OK;
    long last_line = root->line;

    memset(&g, 0, sizeof g);
    g.e = e;
    g.err = err;
    if (e->eval_mode) {
        int last = root->nlist - 1;
        while (last >= 0 && root->list[last]->kind == N_FUNCDEF)
            last--;
        if (last < 0 ||
            (root->list[last]->kind != N_EXPRSTMT && root->list[last]->kind != N_RETURN) ||
            (root->list[last]->kind == N_EXPRSTMT && root->list[last]->a->type == TY_VOID))
            return crtk__fail_at(err, CRTK_EPARSE, last >= 0 ? root->list[last]->line : 1,
                                 last >= 0 ? root->list[last]->col : 1, NULL,
                                 "expected a final expression");
    }
    g.fentry = calloc(e->nfuncs ? e->nfuncs : 1, sizeof *g.fentry);
    if (!g.fentry)
        return oom(&g);
    for (int i = 0; i < root->nlist && rc == CRTK_OK; i++) {
        const node *s = root->list[i];
        bool final = e->eval_mode && i == root->nlist - 1;
        for (int j = i + 1; final == false && e->eval_mode && j <= root->nlist; j++) {
            if (j == root->nlist) {
                final = true;
                break;
            }
            if (root->list[j]->kind != N_FUNCDEF)
                break;
        }
        rc = stmt(&g, s, final);
        last_line = s->line;
    }
    if (rc == CRTK_OK)
        rc = emit(&g, OP_HALT, 0, 0, 0, last_line);
    for (int i = 0; i < root->nlist && rc == CRTK_OK; i++) {
        const node *f = root->list[i];
        if (f->kind != N_FUNCDEF)
            continue;
        g.fentry[f->fn] = (int)e->ncode;
        rc = stmt(&g, f->a, false);
        if (rc == CRTK_OK)
            rc = emit(&g, OP_RETF, 0, 0, 0, f->line);
    }
    for (size_t i = 0; rc == CRTK_OK && i < g.ncalls; i++)
        e->code[g.calls[i].pc].a = g.fentry[g.calls[i].fn];
    free(g.fentry);
    free(g.calls);
    if (e->max_stack < 1)
        e->max_stack = 1;
    if (rc == CRTK_OK)
        fuse(e);
    return rc;
}

/* ---- entry points ----------------------------------------------------------------------- */

void crtk_edit_free(crtk_edit *e)
{
    if (!e)
        return;
    free(e->name);
    free(e->code);
    free(e->lines);
    for (size_t i = 0; i < e->nstrs; i++)
        free(e->strs[i].s);
    free(e->strs);
    for (size_t i = 0; i < e->nvars; i++)
        free(e->vars[i].name);
    free(e->vars);
    free(e->soff);
    free(e->scap);
    crtk__edits_prefilter_free(e);
    for (size_t i = 0; i < e->nsites; i++) {
        free(e->sites[i].binds);
        crtk__edits_inlist_free(e->sites[i].list);
    }
    free(e->sites);
    for (size_t i = 0; i < e->nmasks; i++)
        crtk__edits_mask_free(e->masks[i]);
    free(e->masks);
    for (size_t i = 0; i < e->nfields; i++)
        free(e->fields[i].name);
    free(e->fields);
    for (size_t i = 0; i < e->nfuncs; i++)
        free(e->funcs[i]);
    free(e->funcs);
    free(e);
}

static bool parse_today(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 8)
        return false;
    for (int i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[4] - '0') * 10 + (s[5] - '0');
    *d = (s[6] - '0') * 10 + (s[7] - '0');
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

int crtk__edits_compile_mode(crtk_edit **out,
                             const char *name,
                             const char *src,
                             size_t len,
                             const crtk_edit_options *opt,
                             bool eval_mode,
                             crtk_error *err)
{
    static const crtk_edit_options defaults = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    ast a = {0};
    int rc;

    if (!out)
        return crtk__fail(err, CRTK_EARG, "no output pointer");
    *out = NULL;
    if (err) {
        crtk_error_clear(err);
        crtk__error_source(err, name ? name : "<memory>");
    }
    if (!src && len)
        return crtk__fail(err, CRTK_EARG, "no source");
    if (!opt)
        opt = &defaults;
    if (len > CRTK_EDIT_MAX_SOURCE)
        return crtk__fail_at(err, CRTK_ELIMIT, 1, 1, NULL, "edit source longer than %d bytes",
                             CRTK_EDIT_MAX_SOURCE);
    e = calloc(1, sizeof *e);
    if (!e)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    e->name = malloc(strlen(name ? name : "") + 1);
    if (!e->name) {
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
        goto out;
    }
    memcpy(e->name, name ? name : "", strlen(name ? name : "") + 1);
    e->eval_mode = eval_mode;
    e->message = opt->message;
    e->message_ctx = opt->message_ctx;
    e->default_message = opt->default_message;
    e->fail_warnings = opt->fail_warnings != 0;
    e->values_nul_free = opt->values_nul_free != 0;
    e->max_instructions =
        opt->max_instructions > 0 ? opt->max_instructions : CRTK_EDIT_DEFAULT_INSTRUCTIONS;
    if (opt->today && !parse_today(opt->today, &e->today_y, &e->today_m, &e->today_d)) {
        rc = crtk__fail(err, CRTK_EARG, "today \"%.16s\" is not a YYYYMMDD date", opt->today);
        goto out;
    }
    rc = crtk__edits_parse(&a, src ? src : "", len, eval_mode, err);
    if (rc == CRTK_OK)
        rc = crtk__edits_resolve(&a, e, opt, err);
    if (rc == CRTK_OK)
        rc = crtk__edits_codegen(&a, e, err);
    if (rc == CRTK_OK && !eval_mode)
        find_guard(&a, e);
    if (rc == CRTK_OK && !eval_mode && (rc = crtk__edits_prefilter_build(&a, e)) < 0)
        rc = crtk__fail(err, rc, "out of memory");
out:
    crtk__edits_ast_free(&a);
    if (rc < 0) {
        crtk_edit_free(e);
        return rc;
    }
    if (err)
        crtk_error_clear(err);
    *out = e;
    return CRTK_OK;
}

/* Collect the fields of `EMPTY(#S"a") || EMPTY(#S"b") ...`; false for anything else. */
static bool guard_fields(const node *n, crtk_edit *e)
{
    if (n->kind == N_OR)
        return guard_fields(n->a, e) && guard_fields(n->b, e);
    if (n->kind != N_CALL || n->is_user || n->fn != B_EMPTY || n->nlist != 1 ||
        n->list[0]->kind != N_FIELD || e->nguard == CRTK_EDIT_MAX_GUARD)
        return false;
    e->guard[e->nguard++] = n->list[0]->slot;
    return true;
}

bool crtk__edits_returns_pass(const node *n)
{
    if (n->kind == N_BLOCK && n->nlist == 1)
        n = n->list[0];
    if (n->kind != N_RETURN || !n->a)
        return false;
    n = n->a;
    return (n->kind == N_INT && n->ival == 1) ||
           (n->kind == N_CONST && (n->ival == C_PASS || n->ival == C_TRUE));
}

bool crtk__edits_quiet_decl(const node *d)
{
    for (int i = 0; i < d->nlist; i++) {
        const node *init = d->list[i]->a;
        if (init && init->kind != N_INT && init->kind != N_STR && init->kind != N_CONST)
            return false;
    }
    return true;
}

/* Most edits open with `if (EMPTY(#S"x")) return PASS;`: record those fields so a caller
 * that knows a field is blank can skip running the edit (the outcome is the same). */
static void find_guard(const ast *a, crtk_edit *e)
{
    const node *root = a->root;
    int i;

    e->nguard = 0;
    if (!root || root->kind != N_BLOCK)
        return;
    for (i = 0; i < root->nlist; i++) {
        const node *st = root->list[i];
        if (st->kind == N_EMPTY || st->kind == N_FUNCDEF ||
            (st->kind == N_DECL && crtk__edits_quiet_decl(st)))
            continue;
        if (st->kind == N_IF && !st->c && crtk__edits_returns_pass(st->b) && guard_fields(st->a, e))
            return;
        break;
    }
    e->nguard = 0;
}

int crtk_edit_blank_guard(const crtk_edit *edit, int *slots, int max)
{
    int i;

    for (i = 0; i < edit->nguard && i < max; i++)
        slots[i] = edit->guard[i];
    return edit->nguard <= max ? edit->nguard : 0;
}

int crtk_edit_compile(crtk_edit **out,
                      const char *name,
                      const char *source,
                      size_t len,
                      const crtk_edit_options *options,
                      crtk_error *err)
{
    return crtk__edits_compile_mode(out, name, source, len, options, false, err);
}

size_t crtk_edit_nfields(const crtk_edit *edit)
{
    return edit ? edit->nfields : 0;
}

const char *crtk_edit_field(const crtk_edit *edit, size_t i, int *slot_out)
{
    if (!edit || i >= edit->nfields)
        return NULL;
    if (slot_out)
        *slot_out = edit->fields[i].slot;
    return edit->fields[i].name;
}

/* ---- disassembler ----------------------------------------------------------------------- */

enum operand { OPND_NONE, OPND_INT, OPND_STR, OPND_VAR, OPND_FIELD, OPND_JUMP, OPND_BUILTIN };

static const struct {
    const char *name;
    enum operand operand;
} opinfo[] = {
#define X(name, operand, pops, pushes) {#name, OPND_##operand},
    CRTK_OPCODES(X)
#undef X
};

static const char *svar_name(const crtk_edit *e, int index, bool is_int)
{
    for (size_t i = 0; i < e->nvars; i++)
        if (e->vars[i].index == index && (e->vars[i].kind == V_INT) == is_int)
            return e->vars[i].name;
    return "?";
}

static void quote(strbuf *b, const char *s, size_t n)
{
    sb_addc(b, '"');
    for (size_t i = 0; i < n && i < 60; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_printf(b, "\\%c", c);
        else if (c < 32 || c >= 127)
            sb_printf(b, "\\x%02x", c);
        else
            sb_addc(b, (char)c);
    }
    if (n > 60)
        sb_adds(b, "...");
    sb_addc(b, '"');
}

int crtk_edit_dump(char **out, const crtk_edit *e)
{
    strbuf b = STRBUF_INIT;

    if (!out || !e)
        return CRTK_EARG;
    *out = NULL;
    sb_printf(&b, "; edit \"%s\": %zu instructions, max stack %zu\n", e->name, e->ncode,
              e->max_stack);
    if (e->npstmts)
        sb_printf(&b, "; pure opening: %d statement%s decided without the VM\n", e->npstmts,
                  e->npstmts == 1 ? "" : "s");
    for (size_t i = 0; i < e->nvars; i++)
        sb_printf(&b, "; var %s %s%s[%d] #%d\n", e->vars[i].func < 0 ? "global" : "local",
                  e->vars[i].kind == V_INT ? "int "
                                           : (e->vars[i].kind == V_STR ? "char " : "tablevar "),
                  e->vars[i].name, e->vars[i].size, e->vars[i].index);
    for (size_t i = 0; i < e->nfields; i++)
        sb_printf(&b, "; field %%F%zu \"%s\" slot %d width %d\n", i + 1, e->fields[i].name,
                  e->fields[i].slot, e->fields[i].width);
    for (size_t pc = 0; pc < e->ncode; pc++) {
        const insn *in = &e->code[pc];
        sb_printf(&b, "%5zu  L%-4ld %-12s", pc, e->lines[pc], opinfo[in->op].name);
        switch (opinfo[in->op].operand) {
        case OPND_INT:
            sb_printf(&b, " %lld", (long long)in->k);
            break;
        case OPND_STR:
            sb_addc(&b, ' ');
            quote(&b, e->strs[in->a].s, e->strs[in->a].len);
            break;
        case OPND_VAR:
            sb_printf(&b, " %s",
                      svar_name(e, in->a, in->op == OP_LOAD_INT || in->op == OP_STORE_INT));
            break;
        case OPND_FIELD:
            sb_printf(&b, " slot=%d width=%lld", in->a, (long long)in->k);
            break;
        case OPND_JUMP:
            sb_printf(&b, " -> %d", in->a);
            break;
        case OPND_BUILTIN:
            sb_printf(&b, " %s/%d", crtk__edits_builtins[in->a].name, in->n);
            if (in->k >= 0 && crtk__edits_builtins[in->a].kinds[0] != 'x') {
                const site *s = &e->sites[in->k];
                if (s->table)
                    sb_printf(&b, " table=%s binds=%d", s->table->name, s->nbind);
                if (s->mask >= 0)
                    sb_printf(&b, " mask#%d", s->mask);
                if (s->list)
                    sb_printf(&b, " list(compiled)");
            }
            break;
        default:
            break;
        }
        sb_addc(&b, '\n');
    }
    if (!b.s)
        return CRTK_ENOMEM;
    *out = sb_detach(&b);
    return *out ? CRTK_OK : CRTK_ENOMEM;
}
