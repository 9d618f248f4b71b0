/* edits_resolve.c - binds names to slots and checks types, so the VM never looks up a string:
 * #S"..." fields go through the caller's resolver, variables become indexes, calls become
 * built-in ids or user FUNCTION indexes, "TABLE.INDEX" literals become table indexes (built
 * here, once) with their tablevar bindings, and literal MATCH/INLIST masks are precompiled.
 * Scoping: every declaration outside a FUNCTION is edit-global wherever it appears (metafiles
 * declare variables in the middle of the logic); declarations in a FUNCTION are its locals. */
#include "edits_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct resolver {
    crtk_edit *e;
    const crtk_edit_options *opt;
    crtk_error *err;
    size_t capvars, capsites, capmasks, capfields, capfuncs;
    node **funcdefs;
} resolver;

static const char *const unsupported[] = {"EXTERNALDLL", "GETFIELD", "PUTFIELD",  "GETVAR",
                                          "SETVAR",      "NAMEEXPR", "BINLOOKUP", NULL};

static int fail(resolver *r, const node *n, int code, const char *msg, const char *arg)
{
    return crtk__fail_at(r->err, code, n ? n->line : 0, n ? n->col : 0, NULL, msg, arg);
}

static int grow(resolver *r, void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return CRTK_OK;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*v, nc * size);
    if (!p)
        return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
    *v = p;
    *cap = nc;
    return CRTK_OK;
}

static char *dupstr(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ---- declarations -------------------------------------------------------------------- */

static int find_var(const crtk_edit *e, const char *name, int func)
{
    for (size_t i = 0; i < e->nvars; i++)
        if (e->vars[i].func == func && crtk__edits_strieq(name, strlen(name), e->vars[i].name))
            return (int)i;
    return -1;
}

static int declare(resolver *r, node *d, node *v, int func)
{
    crtk_edit *e = r->e;
    enum vkind kind;
    int size = 0, idx;

    switch (d->op) {
    case T_INT:
    case T_LONG:
        if (v->ival >= 0)
            return fail(r, v, CRTK_EINVALID, "integer arrays are not supported ('%s')", v->name);
        kind = V_INT;
        break;
    case T_TABLEVAR:
        kind = V_TABLEVAR;
        size = CRTK_EDIT_MAX_STRING;
        break;
    default:
        kind = V_STR;
        if (v->ival == 0 || v->ival > CRTK_EDIT_MAX_STRING)
            return crtk__fail_at(r->err, CRTK_EINVALID, v->line, v->col, NULL,
                                 "array size of '%s' must be 1..%d", v->name, CRTK_EDIT_MAX_STRING);
        size = v->ival < 0 ? 1 : (int)v->ival;
    }
    idx = find_var(e, v->name, func);
    if (idx >= 0) {
        evar *x = &e->vars[idx];
        if (x->kind != kind)
            return fail(r, v, CRTK_EINVALID, "variable '%s' redeclared with another type", v->name);
        if (size > x->size)
            x->size = size;
        v->var = idx;
        return CRTK_OK;
    }
    if (grow(r, (void **)&e->vars, &r->capvars, e->nvars, sizeof *e->vars) < 0)
        return CRTK_ENOMEM;
    evar *x = &e->vars[e->nvars];
    memset(x, 0, sizeof *x);
    x->name = dupstr(v->name, v->nlen);
    if (!x->name)
        return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
    x->kind = kind;
    x->func = func;
    x->size = size;
    x->index = kind == V_INT ? (int)e->nints++ : (int)e->nsvars++;
    v->var = (int)e->nvars++;
    return CRTK_OK;
}

/* Pre-pass: functions and declarations, so uses may precede declarations. */
static int collect(resolver *r, node *n, int func)
{
    int rc = CRTK_OK;

    if (!n)
        return CRTK_OK;
    switch (n->kind) {
    case N_BLOCK:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++)
            rc = collect(r, n->list[i], func);
        return rc;
    case N_DECL:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++)
            rc = declare(r, n, n->list[i], func);
        return rc;
    case N_IF:
        rc = collect(r, n->b, func);
        if (rc == CRTK_OK)
            rc = collect(r, n->c, func);
        return rc;
    case N_WHILE:
        return collect(r, n->b, func);
    case N_FUNCDEF:
        return collect(r, n->a, n->fn);
    default:
        return CRTK_OK;
    }
}

static int collect_funcs(resolver *r, node *root)
{
    crtk_edit *e = r->e;

    for (int i = 0; i < root->nlist; i++) {
        node *f = root->list[i];
        if (f->kind != N_FUNCDEF)
            continue;
        for (size_t j = 0; j < e->nfuncs; j++)
            if (crtk__edits_strieq(f->name, f->nlen, e->funcs[j]))
                return fail(r, f, CRTK_EINVALID, "function '%s' defined twice", f->name);
        if (grow(r, (void **)&e->funcs, &r->capfuncs, e->nfuncs, sizeof *e->funcs) < 0)
            return CRTK_ENOMEM;
        r->funcdefs = realloc(r->funcdefs, r->capfuncs * sizeof *r->funcdefs);
        if (!r->funcdefs)
            return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
        e->funcs[e->nfuncs] = dupstr(f->name, f->nlen);
        if (!e->funcs[e->nfuncs])
            return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
        r->funcdefs[e->nfuncs] = f;
        f->fn = (int)e->nfuncs++;
    }
    return CRTK_OK;
}

/* ---- fields, tables, masks -------------------------------------------------------------- */

static int add_field_order(resolver *r, const char *name, size_t nlen, int slot, int width)
{
    crtk_edit *e = r->e;

    for (size_t i = 0; i < e->nfields; i++)
        if (e->fields[i].slot == slot)
            return CRTK_OK;
    if (grow(r, (void **)&e->fields, &r->capfields, e->nfields, sizeof *e->fields) < 0)
        return CRTK_ENOMEM;
    e->fields[e->nfields].name = dupstr(name, nlen);
    if (!e->fields[e->nfields].name)
        return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
    e->fields[e->nfields].slot = slot;
    e->fields[e->nfields].width = width;
    e->nfields++;
    return CRTK_OK;
}

static int resolve_field(resolver *r, const node *at, const char *name, int *slot, int *width)
{
    int w = 0;

    if (!r->opt->resolve)
        return fail(r, at, CRTK_EINVALID, "unknown field \"%s\" (no field resolver)", name);
    *slot = r->opt->resolve(r->opt->resolve_ctx, name, &w);
    if (*slot < 0)
        return fail(r, at, CRTK_EINVALID, "unknown field \"%s\"", name);
    if (w < 0 || w > CRTK_EDIT_MAX_STRING)
        return fail(r, at, CRTK_EINVALID, "field \"%s\" has an unsupported width", name);
    *width = w;
    return CRTK_OK;
}

static int new_site(resolver *r)
{
    crtk_edit *e = r->e;

    if (grow(r, (void **)&e->sites, &r->capsites, e->nsites, sizeof *e->sites) < 0)
        return CRTK_ENOMEM;
    memset(&e->sites[e->nsites], 0, sizeof e->sites[0]);
    e->sites[e->nsites].mask = -1;
    return (int)e->nsites++;
}

static crtk_edit_table *get_table(resolver *r, const node *at, const char *name)
{
    crtk_edit_table *t = r->opt->table ? r->opt->table(r->opt->table_ctx, name) : NULL;

    if (!t)
        fail(r, at, CRTK_EINVALID, "unknown table '%s'", name);
    return t;
}

/* Bind a lookup site to table t keyed on cols; every tablevar named like a column gets it. */
static int
bind_site(resolver *r, node *call, const node *at, crtk_edit_table *t, const int *cols, int ncols)
{
    crtk_edit *e = r->e;
    int s = new_site(r), rc;
    site *st;

    if (s < 0)
        return s;
    call->site = s;
    st = &e->sites[s];
    st->table = t;
    rc = crtk__edits_table_get_index(t, cols, ncols, &st->ix);
    if (rc < 0)
        return fail(r, at, rc, "cannot index table '%s'", t->name);
    for (size_t i = 0; i < e->nvars; i++) {
        int col;
        if (e->vars[i].kind != V_TABLEVAR)
            continue;
        col = crtk__edits_table_col(t, e->vars[i].name, strlen(e->vars[i].name));
        if (col < 0)
            continue;
        sbind *b = realloc(st->binds, (size_t)(st->nbind + 1) * sizeof *b);
        if (!b)
            return crtk__fail(r->err, CRTK_ENOMEM, "out of memory");
        st->binds = b;
        b[st->nbind].str = e->vars[i].index;
        b[st->nbind].col = col;
        st->nbind++;
    }
    return CRTK_OK;
}

static int table_index_arg(resolver *r, node *call, node *arg)
{
    const char *dot;
    char tname[256];
    crtk_edit_table *t;
    int col;

    if (arg->kind != N_STR || !(dot = memchr(arg->name, '.', arg->nlen)) || dot == arg->name ||
        (size_t)(dot - arg->name) >= sizeof tname)
        return fail(r, arg, CRTK_EINVALID, "expected a \"TABLE.INDEX\" string literal%s", "");
    memcpy(tname, arg->name, (size_t)(dot - arg->name));
    tname[dot - arg->name] = '\0';
    t = get_table(r, arg, tname);
    if (!t)
        return CRTK_EINVALID;
    col = crtk__edits_table_col(t, dot + 1, strlen(dot + 1));
    if (col < 0)
        return fail(r, arg, CRTK_EINVALID, "table has no index column \"%s\"", dot + 1);
    return bind_site(r, call, arg, t, &col, 1);
}

static int sql_args(resolver *r, node *call, node *tab, node *cols)
{
    crtk_edit_table *t;
    int cv[32], nc = 0;
    const char *p, *end;

    if (tab->kind != N_STR)
        return fail(r, tab, CRTK_EINVALID, "expected a table name string literal%s", "");
    if (cols->kind != N_STR)
        return fail(r, cols, CRTK_EINVALID, "expected a column list string literal%s", "");
    t = get_table(r, tab, tab->name);
    if (!t)
        return CRTK_EINVALID;
    p = cols->name;
    end = p + cols->nlen;
    while (p <= end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *q = c ? c : end, *s = p;
        while (s < q && *s == ' ')
            s++;
        while (q > s && q[-1] == ' ')
            q--;
        if (nc == 32)
            return fail(r, cols, CRTK_ELIMIT, "too many key columns%s", "");
        cv[nc] = crtk__edits_table_col(t, s, (size_t)(q - s));
        if (cv[nc] < 0)
            return fail(r, cols, CRTK_EINVALID, "table has no column in \"%s\"", cols->name);
        nc++;
        if (!c)
            break;
        p = c + 1;
    }
    return bind_site(r, call, tab, t, cv, nc);
}

static int mask_arg(resolver *r, node *call, node *arg)
{
    crtk_edit *e = r->e;
    int s, rc;

    if (arg->kind != N_STR)
        return CRTK_OK; /* compiled at run time */
    s = new_site(r);
    if (s < 0)
        return s;
    call->site = s;
    if (grow(r, (void **)&e->masks, &r->capmasks, e->nmasks, sizeof *e->masks) < 0)
        return CRTK_ENOMEM;
    rc = crtk__edits_mask_compile(&e->masks[e->nmasks], arg->name, arg->nlen);
    if (rc < 0)
        return fail(r, arg, rc, "cannot compile mask%s", "");
    e->sites[s].mask = (int)e->nmasks++;
    return CRTK_OK;
}

/* ---- expressions and statements --------------------------------------------------------- */

static int expr(resolver *r, node *n, int func);

static int want(resolver *r, node *n, enum vtype t, const char *what)
{
    static const char *const names[] = {"no value", "an integer", "a string"};

    if (n->type == t)
        return CRTK_OK;
    return crtk__fail_at(r->err, CRTK_EINVALID, n->line, n->col, NULL, "%s must be %s, found %s",
                         what, names[t], names[n->type]);
}

static int lookup_var(resolver *r, node *n, int func)
{
    int v = func >= 0 ? find_var(r->e, n->name, func) : -1;

    if (v < 0)
        v = find_var(r->e, n->name, -1);
    return v;
}

static int call(resolver *r, node *n, int func)
{
    crtk_edit *e = r->e;
    const builtin_info *b = NULL;
    int rc, id = -1;

    for (size_t i = 0; i < e->nfuncs; i++)
        if (crtk__edits_strieq(n->name, n->nlen, e->funcs[i])) {
            if (n->nlist)
                return fail(r, n, CRTK_EINVALID, "function '%s' takes no arguments", n->name);
            n->is_user = true;
            n->fn = (int)i;
            n->type = TY_VOID;
            return CRTK_OK;
        }
    for (int i = 0; i < B__COUNT; i++)
        if (crtk__edits_strieq(n->name, n->nlen, crtk__edits_builtins[i].name)) {
            id = i;
            b = &crtk__edits_builtins[i];
            break;
        }
    if (!b) {
        for (int i = 0; unsupported[i]; i++)
            if (crtk__edits_strieq(n->name, n->nlen, unsupported[i]))
                return fail(r, n, CRTK_EINVALID, "function %s is not supported", unsupported[i]);
        return fail(r, n, CRTK_EINVALID, "unknown function '%s'", n->name);
    }
    if (n->nlist < b->min || (b->max >= 0 && n->nlist > b->max)) {
        if (b->min == b->max)
            return crtk__fail_at(r->err, CRTK_EINVALID, n->line, n->col, NULL,
                                 "%s expects %d argument%s, found %d", b->name, b->min,
                                 b->min == 1 ? "" : "s", n->nlist);
        return crtk__fail_at(r->err, CRTK_EINVALID, n->line, n->col, NULL,
                             "%s expects %d to %d arguments, found %d", b->name, b->min,
                             b->max < 0 ? 99 : b->max, n->nlist);
    }
    n->fn = id;
    n->type = b->ret;
    size_t nk = strlen(b->kinds);
    for (int i = 0; i < n->nlist; i++) {
        node *a = n->list[i];
        char k = (size_t)i < nk ? b->kinds[i] : '*';
        char what[64];
        if (k == '*') /* variadic: repeat the kind before '*' */
            k = b->kinds[nk - 2];
        snprintf(what, sizeof what, "argument %d of %s", i + 1, b->name);
        switch (k) {
        case 't':
            rc = table_index_arg(r, n, a);
            break;
        case 'T':
            rc = sql_args(r, n, a, n->list[i + 1]);
            i++; /* the column list was handled too */
            break;
        case 'd':
            rc = expr(r, a, func);
            if (rc == CRTK_OK && (a->kind != N_VAR || e->vars[a->var].kind == V_INT))
                rc = crtk__fail_at(r->err, CRTK_EINVALID, a->line, a->col, NULL,
                                   "%s must be a char variable", what);
            break;
        case 'm':
            rc = expr(r, a, func);
            if (rc == CRTK_OK)
                rc = want(r, a, TY_STR, what);
            if (rc == CRTK_OK)
                rc = mask_arg(r, n, a);
            break;
        case 's':
            rc = expr(r, a, func);
            if (rc == CRTK_OK)
                rc = want(r, a, TY_STR, what);
            break;
        case 'x':
            rc = expr(r, a, func);
            if (rc == CRTK_OK && a->type == TY_VOID)
                rc = want(r, a, TY_INT, what);
            break;
        default:
            rc = expr(r, a, func);
            if (rc == CRTK_OK)
                rc = want(r, a, TY_INT, what);
        }
        if (rc < 0)
            return rc;
    }
    if (id == B_INLIST && n->list[1]->kind == N_STR) {
        if (n->site < 0 && (n->site = new_site(r)) < 0)
            return n->site;
        rc =
            crtk__edits_inlist_compile(&e->sites[n->site].list, n->list[1]->name, n->list[1]->nlen);
        if (rc < 0)
            return fail(r, n->list[1], rc, "cannot compile list%s", "");
    }
    return CRTK_OK;
}

static int expr(resolver *r, node *n, int func)
{
    int rc;

    switch (n->kind) {
    case N_INT:
        n->type = TY_INT;
        return CRTK_OK;
    case N_STR:
        n->type = TY_STR;
        return CRTK_OK;
    case N_CONST:
        n->type = n->ival == C_DT_TODAY ? TY_STR : TY_INT;
        return CRTK_OK;
    case N_FIELD:
        n->type = TY_STR;
        rc = resolve_field(r, n, n->name, &n->slot, &n->width);
        if (rc == CRTK_OK && !r->opt->fields)
            rc = add_field_order(r, n->name, n->nlen, n->slot, n->width);
        return rc;
    case N_VAR:
        n->var = lookup_var(r, n, func);
        if (n->var < 0) {
            /* WARN is not a lexer constant in IMS; its translator maps it to PASS. */
            if (crtk__edits_strieq(n->name, n->nlen, "WARN")) {
                n->kind = N_CONST;
                n->ival = C_PASS;
                n->type = TY_INT;
                return CRTK_OK;
            }
            return fail(r, n, CRTK_EINVALID, "unknown variable '%s'", n->name);
        }
        n->type = r->e->vars[n->var].kind == V_INT ? TY_INT : TY_STR;
        return CRTK_OK;
    case N_INDEX:
        n->var = lookup_var(r, n, func);
        if (n->var < 0)
            return fail(r, n, CRTK_EINVALID, "unknown variable '%s'", n->name);
        if (r->e->vars[n->var].kind == V_INT)
            return fail(r, n, CRTK_EINVALID, "'%s' is not a char array", n->name);
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK)
            rc = want(r, n->a, TY_INT, "array index");
        n->type = TY_STR;
        return rc;
    case N_CALL:
        return call(r, n, func);
    case N_UNARY:
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK)
            rc = want(r, n->a, TY_INT, "operand");
        n->type = TY_INT;
        return rc;
    case N_BINARY:
    case N_AND:
    case N_OR:
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK)
            rc = expr(r, n->b, func);
        if (rc == CRTK_OK && (n->op == T_EQ || n->op == T_NE) && n->a->type == TY_STR)
            return crtk__fail_at(r->err, CRTK_EINVALID, n->line, n->col, NULL,
                                 "strings cannot be compared with '%s'; use STRCMP",
                                 n->op == T_EQ ? "==" : "!=");
        if (rc == CRTK_OK)
            rc = want(r, n->a, TY_INT, "left operand");
        if (rc == CRTK_OK)
            rc = want(r, n->b, TY_INT, "right operand");
        n->type = TY_INT;
        return rc;
    default:
        return fail(r, n, CRTK_EINVALID, "internal error: unexpected node%s", "");
    }
}

static int stmt(resolver *r, node *n, int func, bool top)
{
    crtk_edit *e = r->e;
    int rc = CRTK_OK;

    if (!n)
        return CRTK_OK;
    switch (n->kind) {
    case N_BLOCK:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++)
            rc = stmt(r, n->list[i], func, top);
        return rc;
    case N_EMPTY:
        return CRTK_OK;
    case N_DECL:
        for (int i = 0; i < n->nlist && rc == CRTK_OK; i++) {
            node *v = n->list[i];
            v->type = e->vars[v->var].kind == V_INT ? TY_INT : TY_STR;
            if (!v->a)
                continue;
            rc = expr(r, v->a, func);
            if (rc == CRTK_OK)
                rc =
                    want(r, v->a, e->vars[v->var].kind == V_INT ? TY_INT : TY_STR, "initial value");
        }
        return rc;
    case N_ASSIGN:
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK)
            rc = expr(r, n->b, func);
        if (rc < 0)
            return rc;
        if (n->a->kind == N_INDEX) {
            if (n->b->type == TY_VOID)
                return want(r, n->b, TY_STR, "assigned value");
            return CRTK_OK;
        }
        return want(r, n->b, n->a->type, "assigned value");
    case N_EXPRSTMT:
        return expr(r, n->a, func);
    case N_IF:
    case N_WHILE:
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK)
            rc = want(r, n->a, TY_INT, "condition");
        if (rc == CRTK_OK)
            rc = stmt(r, n->b, func, false);
        if (rc == CRTK_OK)
            rc = stmt(r, n->c, func, false);
        return rc;
    case N_RETURN:
        rc = expr(r, n->a, func);
        if (rc == CRTK_OK && !(e->eval_mode && n->a->type == TY_STR))
            rc = want(r, n->a, TY_INT, "return value");
        return rc;
    case N_FUNCDEF:
        return stmt(r, n->a, n->fn, false);
    default:
        return fail(r, n, CRTK_EINVALID, "internal error: unexpected statement%s", "");
    }
}

int crtk__edits_resolve(ast *a, crtk_edit *e, const crtk_edit_options *opt, crtk_error *err)
{
    resolver r;
    int rc;
    size_t off = 0;

    memset(&r, 0, sizeof r);
    r.e = e;
    r.opt = opt;
    r.err = err;
    rc = collect_funcs(&r, a->root);
    if (rc == CRTK_OK)
        rc = collect(&r, a->root, -1);
    for (size_t i = 0; rc == CRTK_OK && opt->fields && i < opt->nfields; i++) {
        int slot, width;
        const char *name = opt->fields[i] ? opt->fields[i] : "";
        rc = resolve_field(&r, NULL, name, &slot, &width);
        if (rc == CRTK_OK) {
            /* keep duplicates: FieldOrder positions must not shift */
            if (grow(&r, (void **)&e->fields, &r.capfields, e->nfields, sizeof *e->fields) < 0) {
                rc = CRTK_ENOMEM;
                break;
            }
            e->fields[e->nfields].name = dupstr(name, strlen(name));
            if (!e->fields[e->nfields].name) {
                rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
                break;
            }
            e->fields[e->nfields].slot = slot;
            e->fields[e->nfields].width = width;
            e->nfields++;
        }
    }
    if (rc == CRTK_OK)
        rc = stmt(&r, a->root, -1, true);
    free(r.funcdefs);
    if (rc < 0)
        return rc;
    /* lay out string variables */
    e->soff = calloc(e->nsvars ? e->nsvars : 1, sizeof *e->soff);
    e->scap = calloc(e->nsvars ? e->nsvars : 1, sizeof *e->scap);
    if (!e->soff || !e->scap)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    for (size_t i = 0; i < e->nvars; i++) {
        if (e->vars[i].kind == V_INT)
            continue;
        e->soff[e->vars[i].index] = (uint32_t)off;
        e->scap[e->vars[i].index] = (uint32_t)e->vars[i].size;
        off += (size_t)e->vars[i].size + 1;
    }
    e->sbytes = off;
    return CRTK_OK;
}
