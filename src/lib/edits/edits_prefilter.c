/* edits_prefilter.c - the pure opening of an edit, decided without the VM. Most edits open
 * with statements like
 *     if (EMPTY(#S"x")) return PASS;
 *     if (!MATCH(#S"x", "dd")) return ERROR_TEXT(...);
 *     if (INLIST(#S"x", "00-59,98,99")) return PASS;
 * whose conditions only test field values with EMPTY, MATCH on a literal mask and INLIST on
 * a literal list (and NOT, AND, OR of those). Such conditions have no side effect, so they
 * can be evaluated directly on the values: when a `return PASS` is reached that way the edit
 * passes, exactly as the VM would find; as soon as the outcome depends on anything else, the
 * VM runs the edit from its start. The prefix is found once at compile time. */
#include "edits_fast.h"
#include "edits_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PCONDS 64
#define MAX_PSTMTS 16

enum pkind { PC_EMPTY, PC_MATCH, PC_INLIST, PC_NOT, PC_AND, PC_OR };

struct pcond {
    uint8_t kind;
    int a, b;                /* children (NOT: a; AND, OR: a and b) */
    int slot, width;         /* the field tested */
    const mask_prog *mask;   /* MATCH: the literal mask, compiled */
    const inlist_prog *list; /* INLIST: the literal list, compiled */
};

struct pstmt {
    int cond;
    bool pass; /* `if (cond) return PASS;` (else: the condition must be false to go on) */
};

typedef struct builder {
    crtk_edit *e;
    pcond *c;
    int n;
} builder;

static bool pure_field_call(const node *n, enum builtin fn, int nargs)
{
    return n->kind == N_CALL && !n->is_user && n->fn == (int)fn && n->nlist == nargs &&
           n->list[0]->kind == N_FIELD;
}

/* The condition's node index, or -1 when it is not one of the pure forms. */
static int cond(builder *b, const node *n)
{
    pcond pc = {0, -1, -1, -1, 0, NULL, NULL};
    int id;

    if (b->n == MAX_PCONDS)
        return -1;
    if (n->kind == N_UNARY && n->op == T_NOT) {
        pc.kind = PC_NOT;
        if ((pc.a = cond(b, n->a)) < 0)
            return -1;
    } else if (n->kind == N_AND || n->kind == N_OR) {
        pc.kind = n->kind == N_AND ? PC_AND : PC_OR;
        if ((pc.a = cond(b, n->a)) < 0 || (pc.b = cond(b, n->b)) < 0)
            return -1;
    } else if (pure_field_call(n, B_EMPTY, 1)) {
        pc.kind = PC_EMPTY;
    } else if (pure_field_call(n, B_MATCH, 2) && n->site >= 0 && b->e->sites[n->site].mask >= 0) {
        pc.kind = PC_MATCH;
        pc.mask = b->e->masks[b->e->sites[n->site].mask];
    } else if (pure_field_call(n, B_INLIST, 2) && n->site >= 0 && b->e->sites[n->site].list) {
        pc.kind = PC_INLIST;
        pc.list = b->e->sites[n->site].list;
    } else {
        return -1;
    }
    if (pc.kind <= PC_INLIST) {
        pc.slot = n->list[0]->slot;
        pc.width = n->list[0]->width;
    }
    if (b->n == MAX_PCONDS)
        return -1;
    id = b->n++;
    b->c[id] = pc;
    return id;
}

int crtk__edits_prefilter_build(const ast *a, crtk_edit *e)
{
    builder b = {e, NULL, 0};
    pstmt st[MAX_PSTMTS];
    int ns = 0, passes = 0;
    const node *root = a->root;

    if (!root || root->kind != N_BLOCK)
        return CRTK_OK;
    b.c = malloc(MAX_PCONDS * sizeof *b.c);
    if (!b.c)
        return CRTK_ENOMEM;
    for (int i = 0; i < root->nlist && ns < MAX_PSTMTS; i++) {
        const node *s = root->list[i];
        int c;
        if (s->kind == N_EMPTY || s->kind == N_FUNCDEF ||
            (s->kind == N_DECL && crtk__edits_quiet_decl(s)))
            continue;
        if (s->kind != N_IF || s->c || (c = cond(&b, s->a)) < 0)
            break;
        st[ns].cond = c;
        st[ns].pass = crtk__edits_returns_pass(s->b);
        passes += st[ns].pass;
        ns++;
    }
    /* worth it only when some statement can decide PASS */
    while (ns > 0 && !st[ns - 1].pass)
        ns--;
    if (!passes || ns == 0) {
        free(b.c);
        return CRTK_OK;
    }
    /* statements and conditions in one block, statements first */
    e->pstmts = malloc((size_t)ns * sizeof *st + (size_t)b.n * sizeof *b.c);
    if (!e->pstmts) {
        free(b.c);
        return CRTK_ENOMEM;
    }
    memcpy(e->pstmts, st, (size_t)ns * sizeof *st);
    e->pconds = (pcond *)(e->pstmts + ns);
    memcpy(e->pconds, b.c, (size_t)b.n * sizeof *b.c);
    free(b.c);
    e->npstmts = ns;
    e->npconds = b.n;
    return CRTK_OK;
}

void crtk__edits_prefilter_free(crtk_edit *e)
{
    free(e->pstmts);
}

typedef struct pctx {
    const pcond *c;
    bool nul_free;
    crtk_edit_value_fn value;
    void *ctx;
    int slot; /* the field loaded last */
    const char *v;
    size_t n;
} pctx;

static const char *load(pctx *p, const pcond *c, size_t *n)
{
    if (c->slot != p->slot) {
        p->slot = c->slot;
        p->v = crtk__edits_load_value(p->nul_free, p->value, p->ctx, c->slot, c->width, &p->n);
    }
    *n = p->n;
    return p->v;
}

static bool eval(pctx *p, int i)
{
    const pcond *c = &p->c[i];
    const char *v;
    size_t n;

    switch ((enum pkind)c->kind) {
    case PC_NOT:
        return !eval(p, c->a);
    case PC_AND:
        return eval(p, c->a) && eval(p, c->b);
    case PC_OR:
        return eval(p, c->a) || eval(p, c->b);
    case PC_EMPTY:
        v = load(p, c, &n);
        return is_blank_all(v, n);
    case PC_MATCH:
        v = load(p, c, &n);
        return crtk__edits_mask_match(c->mask, v, n);
    case PC_INLIST:
        v = load(p, c, &n);
        return crtk__edits_inlist_match(c->list, v, n);
    }
    return false;
}

static bool run(const pstmt *st, int ns, pctx *p)
{
    for (int i = 0; i < ns; i++) {
        bool c = eval(p, st[i].cond);
        if (c && st[i].pass)
            return true;
        if (c) /* the statement does something else: the VM decides */
            return false;
    }
    return false;
}

/* Has the edit a pure opening, and does its budget allow every instruction of it (the
 * opening is straight-line code: at most ncode steps)? */
static bool usable(const crtk_edit *e)
{
    return e->npstmts > 0 && e->max_instructions >= (long)e->ncode;
}

bool crtk__edits_prefilter_pass(const crtk_edit *e, crtk_edit_value_fn value, void *ctx)
{
    pctx p = {e->pconds, e->values_nul_free, value, ctx, -1, NULL, 0};

    return usable(e) && run(e->pstmts, e->npstmts, &p);
}

/* ---- the packed block: header, statements, conditions ---- */

typedef struct pblock {
    int nstmts, nconds;
    bool nul_free;
} pblock;

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

size_t crtk__edits_prefilter_size(const crtk_edit *e)
{
    if (!usable(e))
        return 0;
    return ALIGN8(sizeof(pblock)) + ALIGN8((size_t)e->npstmts * sizeof(pstmt)) +
           (size_t)e->npconds * sizeof(pcond);
}

void crtk__edits_prefilter_copy(const crtk_edit *e, void *dst)
{
    pblock *b = dst;
    char *p = (char *)dst + ALIGN8(sizeof *b);

    b->nstmts = e->npstmts;
    b->nconds = e->npconds;
    b->nul_free = e->values_nul_free;
    memcpy(p, e->pstmts, (size_t)e->npstmts * sizeof(pstmt));
    memcpy(p + ALIGN8((size_t)e->npstmts * sizeof(pstmt)), e->pconds,
           (size_t)e->npconds * sizeof(pcond));
}

bool crtk__edits_prefilter_block_pass(const void *block, crtk_edit_value_fn value, void *ctx)
{
    const pblock *b = block;
    const char *p = (const char *)block + ALIGN8(sizeof *b);
    const pstmt *st = (const pstmt *)p;
    pctx c = {(const pcond *)(p + ALIGN8((size_t)b->nstmts * sizeof(pstmt))),
              b->nul_free,
              value,
              ctx,
              -1,
              NULL,
              0};

    return run(st, b->nstmts, &c);
}
