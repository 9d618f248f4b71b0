/* edits_mask.c - MATCH masks and INLIST (docs/edits-language.md sections 8 and 9.1).
 * A mask compiles to a small tree (sequences of atoms; groups hold alternative sequences;
 * atoms may repeat with * or +) matched against the whole value by backtracking with
 * explicit continuations. Steps and depth are bounded, so a hostile mask cannot hang or
 * overflow the stack: past the bound the value simply does not match. Literal masks are
 * compiled once by the resolver; masks computed at run time are cached per state. */
#include "edits_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_STEPS 200000
#define MATCH_DEPTH 4000

enum mkind { M_LIT, M_RANGE, M_CLASS, M_GROUP };

typedef struct mnode {
    unsigned char kind, rep, c1, c2;
    int alt0, nalt; /* M_GROUP: alternatives alts[alt0 .. alt0+nalt) (sequence ids) */
} mnode;

typedef struct mseq {
    int start, n; /* items[start .. start+n) are node ids */
} mseq;

struct mask_prog {
    bool flat; /* every alternative is a plain sequence of single atoms: matched by a loop */
    /* flat: the alternatives' lengths, then each atom of each alternative as a set of bytes,
     * in order; one allocation, so that matching reads one block */
    int fnalt;
    int *flens;
    uint8_t (*fbits)[32];
    /* the tree, for the backtracking matcher */
    mnode *nodes;
    int nnodes, capnodes;
    int *items;
    int nitems, capitems;
    mseq *seqs;
    int nseqs, capseqs;
    int *alts;
    int nalts, capalts;
    int top; /* node id of the top-level group */
};

static int grow(void **p, int *cap, int n, size_t size)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, (size_t)nc * size);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

void crtk__edits_mask_free(mask_prog *m)
{
    if (!m)
        return;
    free(m->nodes);
    free(m->items);
    free(m->seqs);
    free(m->alts);
    free(m->flens);
    free(m);
}

typedef struct mparse {
    mask_prog *m;
    const char *p, *end;
    int depth;
} mparse;

static int new_node(mparse *ps, unsigned char kind, unsigned char c1, unsigned char c2)
{
    mask_prog *m = ps->m;

    if (grow((void **)&m->nodes, &m->capnodes, m->nnodes, sizeof *m->nodes) < 0)
        return -1;
    m->nodes[m->nnodes] = (mnode){kind, 0, c1, c2, 0, 0};
    return m->nnodes++;
}

static int parse_alts(mparse *ps, char closer);

static bool is_class(char c)
{
    return c == 'd' || c == 'a' || c == 'u' || c == 'l' || c == 'x' || c == 'b' || c == '@' ||
           c == '?';
}

/* One atom at ps->p; returns its node id, -1 on OOM. */
static int parse_atom(mparse *ps)
{
    const char *p = ps->p;
    unsigned char c = (unsigned char)*p;

    if (c == '!' && p + 1 < ps->end) {
        ps->p = p + 2;
        return new_node(ps, M_LIT, (unsigned char)p[1], 0);
    }
    if ((c == '{' || c == '[') && p + 2 < ps->end && (p[1] == '+' || p[1] == '*') &&
        p[2] == (c == '{' ? '}' : ']')) {
        ps->p = p + 3;
        return new_node(ps, M_LIT, (unsigned char)p[1], 0);
    }
    if ((c == '{' || c == '[') && ps->depth < 100) {
        int id, g;
        ps->p = p + 1;
        ps->depth++;
        g = parse_alts(ps, c == '{' ? '}' : ']');
        ps->depth--;
        if (g < 0)
            return -1;
        if (ps->p < ps->end)
            ps->p++; /* closer (an unterminated group closes at the end) */
        id = new_node(ps, M_GROUP, 0, 0);
        if (id < 0)
            return -1;
        ps->m->nodes[id].alt0 = g;
        ps->m->nodes[id].nalt = ps->m->nalts - g;
        return id;
    }
    if (p + 2 < ps->end && p[1] == ':') {
        ps->p = p + 3;
        return new_node(ps, M_RANGE, c, (unsigned char)p[2]);
    }
    ps->p = p + 1;
    if (is_class((char)c))
        return new_node(ps, M_CLASS, c, 0);
    return new_node(ps, M_LIT, c, 0);
}

/* A sequence up to ',', '|', the closer or the end; returns its sequence id. */
static int parse_seq(mparse *ps, char closer)
{
    mask_prog *m = ps->m;
    int *ids = NULL, n = 0, cap = 0, sid;

    while (ps->p < ps->end && *ps->p != ',' && *ps->p != '|' && !(closer && *ps->p == closer)) {
        int id;
        if ((*ps->p == '*' || *ps->p == '+') && n > 0 && !m->nodes[ids[n - 1]].rep) {
            m->nodes[ids[n - 1]].rep = (unsigned char)*ps->p++;
            continue;
        }
        id = parse_atom(ps);
        if (id < 0 || grow((void **)&ids, &cap, n, sizeof *ids) < 0) {
            free(ids);
            return -1;
        }
        ids[n++] = id;
    }
    if (grow((void **)&m->seqs, &m->capseqs, m->nseqs, sizeof *m->seqs) < 0) {
        free(ids);
        return -1;
    }
    m->seqs[m->nseqs].start = m->nitems;
    m->seqs[m->nseqs].n = n;
    for (int i = 0; i < n; i++) {
        if (grow((void **)&m->items, &m->capitems, m->nitems, sizeof *m->items) < 0) {
            free(ids);
            return -1;
        }
        m->items[m->nitems++] = ids[i];
    }
    free(ids);
    sid = m->nseqs++;
    return sid;
}

/* Alternatives; they are appended contiguously to m->alts (nested groups are parsed into
 * their own range first). Returns the index of the first alternative. */
static int parse_alts(mparse *ps, char closer)
{
    mask_prog *m = ps->m;
    int seqs[64], n = 0, first;

    for (;;) {
        int s = parse_seq(ps, closer);
        if (s < 0)
            return -1;
        if (n < 64)
            seqs[n++] = s; /* more than 64 alternatives: the rest are ignored */
        if (ps->p < ps->end && (*ps->p == ',' || *ps->p == '|')) {
            ps->p++;
            while (ps->p < ps->end && *ps->p == ' ') /* blanks after a comma are ignored */
                ps->p++;
            continue;
        }
        break;
    }
    first = m->nalts;
    for (int i = 0; i < n; i++) {
        if (grow((void **)&m->alts, &m->capalts, m->nalts, sizeof *m->alts) < 0)
            return -1;
        m->alts[m->nalts++] = seqs[i];
    }
    return first;
}

static bool class_ok(const mnode *nd, unsigned char ch);

/* The byte sets of a flat mask's atoms, alternative after alternative. */
static int flat_bits(mask_prog *m)
{
    const mnode *top = &m->nodes[m->top];
    size_t n = 0, k = 0, head;

    for (int a = 0; a < top->nalt; a++)
        n += (size_t)m->seqs[m->alts[top->alt0 + a]].n;
    head = ((size_t)top->nalt * sizeof(int) + 31) & ~(size_t)31;
    m->flens = calloc(1, head + (n ? n : 1) * 32);
    if (!m->flens)
        return -1;
    m->fnalt = top->nalt;
    m->fbits = (uint8_t(*)[32])((char *)m->flens + head);
    for (int a = 0; a < top->nalt; a++) {
        const mseq *q = &m->seqs[m->alts[top->alt0 + a]];
        m->flens[a] = q->n;
        for (int i = 0; i < q->n; i++, k++)
            for (int ch = 0; ch < 256; ch++)
                if (class_ok(&m->nodes[m->items[q->start + i]], (unsigned char)ch))
                    m->fbits[k][ch >> 3] |= (uint8_t)(1u << (ch & 7));
    }
    return 0;
}

int crtk__edits_mask_compile(mask_prog **out, const char *mask, size_t len)
{
    mask_prog *m = calloc(1, sizeof *m);
    mparse ps;
    int g, id;

    *out = NULL;
    if (!m)
        return CRTK_ENOMEM;
    /* trailing blanks are ignored, except that an all-blank mask matches that many blanks */
    if (!is_blank_all(mask, len))
        while (len > 0 && mask[len - 1] == ' ')
            len--;
    ps.m = m;
    ps.p = mask;
    ps.end = mask + len;
    ps.depth = 0;
    if (is_blank_all(mask, len)) {
        /* literal blanks: one sequence, no alternatives parsing */
        int s;
        const char *save = ps.end;
        ps.end = mask;
        s = parse_seq(&ps, 0);
        ps.end = save;
        for (size_t i = 0; s >= 0 && i < len; i++) {
            int nid = new_node(&ps, M_LIT, ' ', 0);
            if (nid < 0 ||
                grow((void **)&m->items, &m->capitems, m->nitems, sizeof *m->items) < 0) {
                s = -1;
                break;
            }
            m->items[m->nitems++] = nid;
            m->seqs[s].n++;
        }
        if (s < 0 || grow((void **)&m->alts, &m->capalts, m->nalts, sizeof *m->alts) < 0) {
            crtk__edits_mask_free(m);
            return CRTK_ENOMEM;
        }
        g = m->nalts;
        m->alts[m->nalts++] = s;
    } else {
        g = parse_alts(&ps, 0); /* at top level a stray '}' or ']' is a literal */
    }
    id = g < 0 ? -1 : new_node(&ps, M_GROUP, 0, 0);
    if (id < 0) {
        crtk__edits_mask_free(m);
        return CRTK_ENOMEM;
    }
    m->nodes[id].alt0 = g;
    m->nodes[id].nalt = m->nalts - g;
    m->top = id;
    m->flat = true;
    for (int a = 0; a < m->nodes[id].nalt && m->flat; a++) {
        const mseq *q = &m->seqs[m->alts[g + a]];
        m->flat = q->n <= 1000; /* longer ones meet the matcher's depth bound */
        for (int i = 0; i < q->n && m->flat; i++) {
            const mnode *nd = &m->nodes[m->items[q->start + i]];
            m->flat = nd->kind != M_GROUP && !nd->rep;
        }
    }
    if (m->flat && flat_bits(m) < 0) {
        crtk__edits_mask_free(m);
        return CRTK_ENOMEM;
    }
    *out = m;
    return CRTK_OK;
}

/* ---- matching -------------------------------------------------------------------------- */

typedef struct cont cont;
struct cont {
    int seq, idx;    /* continue with items idx.. of seq */
    int star;        /* or: repeat node `star` again (-1: none) */
    size_t star_pos; /* position where that repetition started (no empty loops) */
    const cont *next;
};

typedef struct mctx {
    const mask_prog *m;
    const unsigned char *s;
    size_t n;
    long steps;
} mctx;

static bool m_node(mctx *c, int node, size_t pos, const cont *k, int depth);

static bool class_ok(const mnode *nd, unsigned char ch)
{
    switch (nd->kind) {
    case M_LIT:
        return ch == nd->c1;
    case M_RANGE:
        return ch >= nd->c1 && ch <= nd->c2;
    default:
        switch (nd->c1) {
        case 'd':
            return ch >= '0' && ch <= '9';
        case 'a':
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        case 'u':
            return ch >= 'A' && ch <= 'Z';
        case 'l':
            return ch >= 'a' && ch <= 'z';
        case 'x':
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        case 'b':
            return ch == ' ';
        case '@':
            return ch != ' ';
        default:
            return true;
        }
    }
}

static bool m_seq(mctx *c, int seq, int idx, size_t pos, const cont *k, int depth);
static bool run_cont(mctx *c, const cont *k, size_t pos, int depth);

static bool m_star(mctx *c, int node, size_t pos, const cont *next, int depth)
{
    cont again = {0, 0, node, pos, next};

    if (m_node(c, node, pos, &again, depth + 1))
        return true;
    return run_cont(c, next, pos, depth + 1); /* zero more repetitions */
}

static bool run_cont(mctx *c, const cont *k, size_t pos, int depth)
{
    if (!k)
        return pos == c->n;
    if (k->star >= 0) {
        if (k->star_pos == pos) /* the repeated item matched nothing: stop looping */
            return false;
        return m_star(c, k->star, pos, k->next, depth + 1);
    }
    return m_seq(c, k->seq, k->idx, pos, k->next, depth + 1);
}

static bool m_seq(mctx *c, int seq, int idx, size_t pos, const cont *k, int depth)
{
    const mseq *q = &c->m->seqs[seq];

    if (--c->steps < 0 || depth > MATCH_DEPTH)
        return false;
    if (idx == q->n)
        return run_cont(c, k, pos, depth + 1);
    int node = c->m->items[q->start + idx];
    const mnode *nd = &c->m->nodes[node];
    cont next = {seq, idx + 1, -1, 0, k};
    if (nd->rep == '*')
        return m_star(c, node, pos, &next, depth + 1);
    if (nd->rep == '+') {
        cont again = {0, 0, node, (size_t)-1, &next};
        return m_node(c, node, pos, &again, depth + 1);
    }
    return m_node(c, node, pos, &next, depth + 1);
}

static bool m_node(mctx *c, int node, size_t pos, const cont *k, int depth)
{
    const mnode *nd = &c->m->nodes[node];

    if (--c->steps < 0 || depth > MATCH_DEPTH)
        return false;
    if (nd->kind == M_GROUP) {
        for (int i = 0; i < nd->nalt; i++)
            if (m_seq(c, c->m->alts[nd->alt0 + i], 0, pos, k, depth + 1))
                return true;
        return false;
    }
    if (pos < c->n && class_ok(nd, c->s[pos]))
        return run_cont(c, k, pos + 1, depth + 1);
    return false;
}

/* A flat mask: the value matches an alternative of its length atom by atom. */
static bool match_flat(const mask_prog *m, const unsigned char *s, size_t n)
{
    const uint8_t(*bits)[32] = m->fbits;

    for (int a = 0; a < m->fnalt; a++) {
        size_t len = (size_t)m->flens[a], i;
        if (len == n) {
            for (i = 0; i < n && (bits[i][s[i] >> 3] >> (s[i] & 7) & 1); i++)
                ;
            if (i == n)
                return true;
        }
        bits += len;
    }
    return false;
}

bool crtk__edits_mask_match(const mask_prog *m, const char *s, size_t n)
{
    mctx c = {m, (const unsigned char *)s, n, MATCH_STEPS};

    if (m->flat)
        return match_flat(m, c.s, n);
    return m_node(&c, m->top, 0, NULL, 0);
}

bool crtk__edits_mask_match_text(
    crtk_edit_state *st, const char *mask, size_t mlen, const char *s, size_t n)
{
    if (!st->mcache || st->mcache_text.len != mlen ||
        (mlen && memcmp(st->mcache_text.s, mask, mlen) != 0)) {
        mask_prog *m;
        crtk__edits_mask_free(st->mcache);
        st->mcache = NULL;
        if (crtk__edits_mask_compile(&m, mask, mlen) < 0 ||
            sb_set(&st->mcache_text, mask, mlen) < 0) {
            crtk__edits_mask_free(m);
            return false;
        }
        st->mcache = m;
    }
    return crtk__edits_mask_match(st->mcache, s, n);
}

static bool site_match(crtk_edit_state *st, const insn *in, const val *v, const val *mask)
{
    if (in->k >= 0 && st->edit->sites[in->k].mask >= 0)
        return crtk__edits_mask_match(st->edit->masks[st->edit->sites[in->k].mask], v->s,
                                      (size_t)v->n);
    return crtk__edits_mask_match_text(st, mask->s, (size_t)mask->n, v->s, (size_t)v->n);
}

int crtk__edits_bi_match(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)argc;
    out->i = site_match(st, in, &a[0], &a[1]);
    return 0;
}

/* ---- INLIST ---------------------------------------------------------------------------- */

static int cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;

    if (c)
        return c;
    return an < bn ? -1 : (an > bn ? 1 : 0);
}

static bool term_ok(const char *t, size_t tn, const char *v, size_t n)
{
    const char *dash = memchr(t, '-', tn);

    if (!dash)
        return cmp(t, tn, v, n) == 0;
    /* ranges compare as strings (byte order), not numbers: "100" is in "10-13" */
    return cmp(t, (size_t)(dash - t), v, n) <= 0 &&
           cmp(v, n, dash + 1, tn - (size_t)(dash - t) - 1) <= 0;
}

bool crtk__edits_inlist(const char *v, size_t n, const char *list, size_t ln)
{
    char term[512];
    size_t tn = 0, m;
    bool overflow = false;

    if (n == 0 || ln == 0)
        return false;
    if (is_blank_all(list, ln)) /* an all-blank list matches only an identical value */
        return n == ln && memcmp(v, list, n) == 0;
    m = n;
    while (m > 0 && v[m - 1] == ' ')
        m--;
    for (size_t i = 0; i <= ln; i++) {
        if (i == ln || list[i] == ',') {
            if (!overflow && tn > 0 &&
                (term_ok(term, tn, v, n) || (m != n && term_ok(term, tn, v, m))))
                return true;
            tn = 0;
            overflow = false;
            continue;
        }
        if (list[i] == ' ') /* blanks inside the list are removed */
            continue;
        if (tn == sizeof term)
            overflow = true;
        else
            term[tn++] = list[i];
    }
    return false;
}

int crtk__edits_bi_inlist(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    const char *v = a[0].s;
    size_t n = (size_t)a[0].n;

    out->i = 0;
    if (n == 0)
        return 0;
    if (argc >= 3) {
        if (!site_match(st, in, &a[0], &a[2]))
            return 0;
        if (is_blank_all(v, n)) {
            out->i = 1; /* a blank value that fits the mask passes whatever the list */
            return 0;
        }
        if (argc >= 4) {
            int64_t start = a[3].i;
            if (start > (int64_t)n)
                return 0;
            if (start < 1)
                start = 1; /* [guess] */
            v += start - 1;
            n -= (size_t)start - 1;
            if (argc >= 5) {
                int64_t len = a[4].i;
                if (len <= 0)
                    return 0;
                if ((uint64_t)len < n)
                    n = (size_t)len;
            }
        }
    }
    if (in->k >= 0 && st->edit->sites[in->k].list)
        out->i = crtk__edits_inlist_match(st->edit->sites[in->k].list, v, n);
    else
        out->i = crtk__edits_inlist(v, n, a[1].s, (size_t)a[1].n);
    return 0;
}

/* ---- INLIST with a literal list, compiled once ------------------------------------------ */

typedef struct lterm {
    const char *lo, *hi; /* in mem: the term or a range's low end; a range's high end */
    uint32_t lon, hin;
} lterm;

struct inlist_prog {
    const char *mem; /* every term, blanks removed */
    lterm *singles;  /* terms without '-', sorted */
    size_t nsingles;
    lterm *ranges; /* sorted by the low end */
    size_t nranges;
    size_t blank_len; /* an all-blank list: only that many blanks match (0: not one) */
};

static int term_cmp(const void *pa, const void *pb)
{
    const lterm *a = pa, *b = pb;

    return cmp(a->lo, a->lon, b->lo, b->lon);
}

void crtk__edits_inlist_free(inlist_prog *p)
{
    free(p);
}

/* One allocation: the header, the singles, the ranges (at most one entry per term each) and
 * the terms' text, so that a lookup reads one block. */
int crtk__edits_inlist_compile(inlist_prog **out, const char *list, size_t ln)
{
    inlist_prog *p;
    size_t used = 0, start = 0, nterms = 1;
    char *mem;

    *out = NULL;
    if (ln > UINT32_MAX / 2)
        return CRTK_ELIMIT;
    for (size_t i = 0; i < ln; i++)
        nterms += list[i] == ',';
    p = calloc(1, sizeof *p + 2 * nterms * sizeof(lterm) + ln + 1);
    if (!p)
        return CRTK_ENOMEM;
    p->singles = (lterm *)(p + 1);
    p->ranges = p->singles + nterms;
    mem = (char *)(p->ranges + nterms);
    p->mem = mem;
    if (ln > 0 && is_blank_all(list, ln)) {
        p->blank_len = ln;
        *out = p;
        return CRTK_OK;
    }
    for (size_t i = 0; i <= ln; i++) {
        if (i < ln && list[i] != ',') {
            if (list[i] != ' ') /* blanks inside the list are removed */
                mem[used++] = list[i];
            continue;
        }
        size_t tn = used - start;
        /* an empty term matches nothing; neither does one longer than the text form's
         * 512-byte term buffer */
        if (tn > 0 && tn <= 512) {
            const char *t = mem + start, *dash = memchr(t, '-', tn);
            lterm term = {t, NULL, (uint32_t)tn, 0};
            if (dash) {
                term.lon = (uint32_t)(dash - t);
                term.hi = dash + 1;
                term.hin = (uint32_t)(tn - term.lon - 1);
                p->ranges[p->nranges++] = term;
            } else {
                p->singles[p->nsingles++] = term;
            }
        }
        start = used;
    }
    qsort(p->singles, p->nsingles, sizeof *p->singles, term_cmp);
    qsort(p->ranges, p->nranges, sizeof *p->ranges, term_cmp);
    *out = p;
    return CRTK_OK;
}

static bool list_has(const inlist_prog *p, const char *v, size_t n)
{
    size_t lo = 0, hi = p->nsingles;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lterm *t = &p->singles[mid];
        int c = cmp(t->lo, t->lon, v, n);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < p->nranges; i++) {
        const lterm *t = &p->ranges[i];
        if (cmp(t->lo, t->lon, v, n) > 0)
            break; /* every later range starts above v too */
        if (cmp(v, n, t->hi, t->hin) <= 0)
            return true;
    }
    return false;
}

bool crtk__edits_inlist_match(const inlist_prog *p, const char *v, size_t n)
{
    size_t m = n;

    if (n == 0)
        return false;
    if (p->blank_len)
        return n == p->blank_len && is_blank_all(v, n);
    while (m > 0 && v[m - 1] == ' ')
        m--;
    return list_has(p, v, n) || (m != n && list_has(p, v, m));
}
