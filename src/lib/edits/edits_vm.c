/* edits_vm.c - the bytecode interpreter, run states and run messages. A state owns every
 * buffer a run needs (stack, variables, a chunked scratch arena for string temporaries, the
 * message list) and keeps them between runs, so a warmed-up run does not allocate. The
 * compiled edit is never written to, which makes concurrent runs on separate states safe.
 * Every instruction is charged to the edit's budget: `while (1);` ends with an error result. */
#include "edits_fast.h"
#include "edits_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
    arena_chunk *next;
    size_t used, cap;
    char data[];
};

static char blanks[CRTK_EDIT_MAX_STRING];
static pthread_once_t blanks_once = PTHREAD_ONCE_INIT;

static void blanks_init(void)
{
    memset(blanks, ' ', sizeof blanks);
}

int crtk_edit_state_new(crtk_edit_state **out)
{
    crtk_edit_state *st;

    if (!out)
        return CRTK_EARG;
    pthread_once(&blanks_once, blanks_init);
    st = calloc(1, sizeof *st);
    *out = st;
    if (!st)
        return CRTK_ENOMEM;
    crtk__edits_real_today(&st->real_y, &st->real_m, &st->real_d);
    return CRTK_OK;
}

void crtk_edit_state_free(crtk_edit_state *st)
{
    arena_chunk *c, *n;

    if (!st)
        return;
    free(st->stack);
    free(st->ints);
    free(st->smem);
    free(st->slen);
    for (c = st->chunks; c; c = n) {
        n = c->next;
        free(c);
    }
    free(st->msgs);
    free(st->msgoff);
    sb_free(&st->msgtext);
    sb_free(&st->pending);
    sb_free(&st->result_str);
    sb_free(&st->scratch);
    crtk__edits_mask_free(st->mcache);
    sb_free(&st->mcache_text);
    free(st);
}

/* ---- scratch arena ---------------------------------------------------------------------- */

static void arena_reset(crtk_edit_state *st)
{
    st->cur = st->chunks;
    if (st->cur)
        st->cur->used = 0;
    st->arena_used = 0;
}

char *crtk__edits_arena(crtk_edit_state *st, size_t n)
{
    arena_chunk *c = st->cur;

    if (n == 0)
        n = 1;
    if (st->arena_used + n > EDIT_ARENA_MAX) {
        st->rt_error = "string memory exhausted";
        return NULL;
    }
    while (c && c->cap - c->used < n) {
        c = c->next;
        if (c)
            c->used = 0;
    }
    if (!c) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c) {
            st->rt_error = "out of memory";
            return NULL;
        }
        c->cap = cap;
        c->used = 0;
        /* append after the current chunk so the chunk order stays the reuse order */
        if (st->cur) {
            c->next = st->cur->next;
            st->cur->next = c;
        } else {
            c->next = st->chunks;
            st->chunks = c;
        }
    }
    st->cur = c;
    st->arena_used += n;
    c->used += n;
    return c->data + c->used - n;
}

/* ---- messages -------------------------------------------------------------------------- */

const char *crtk__edits_message_text(crtk_edit_state *st, long number)
{
    const crtk_edit *e = st->edit;

    return e->message ? e->message(e->message_ctx, number) : NULL;
}

static const char *field_value(crtk_edit_state *st, const efield *f, size_t *n)
{
    const char *v = st->value ? st->value(st->value_ctx, f->slot) : NULL;
    const char *z;

    if (!v)
        v = blanks;
    *n = (size_t)f->width;
    z = memchr(v, '\0', *n);
    if (z)
        *n = (size_t)(z - v);
    return v;
}

/* Append text to b with %F<n>, %V<n> and %DC expanded, then R-trim. The longest index that
 * names a field wins, which is what replacing higher indexes first achieves. */
static int expand(crtk_edit_state *st, strbuf *b, const char *text, size_t len)
{
    const crtk_edit *e = st->edit;
    size_t start = b->len, i = 0;
    int rc = CRTK_OK;

    while (i < len && rc == CRTK_OK) {
        const char *pct = memchr(text + i, '%', len - i);
        size_t plain = pct ? (size_t)(pct - (text + i)) : len - i;
        if (plain) { /* the text up to the next '%' in one piece */
            rc = sb_add(b, text + i, plain);
            i += plain;
            continue;
        }
        char c = text[i];
        if (c == '%' && i + 2 < len && (text[i + 1] == 'F' || text[i + 1] == 'V') &&
            text[i + 2] >= '0' && text[i + 2] <= '9') {
            size_t j = i + 2, best = 0, bestj = 0, num = 0;
            while (j < len && text[j] >= '0' && text[j] <= '9' && j - i < 8) {
                num = num * 10 + (size_t)(text[j] - '0');
                j++;
                if (num >= 1 && num <= e->nfields) {
                    best = num;
                    bestj = j;
                }
            }
            if (best) {
                const efield *f = &e->fields[best - 1];
                if (text[i + 1] == 'F') {
                    rc = sb_adds(b, f->name);
                } else {
                    size_t n;
                    const char *v = field_value(st, f, &n);
                    rc = sb_add(b, v, n);
                }
                i = bestj;
                continue;
            }
        } else if (c == '%' && len - i >= 3 && text[i + 1] == 'D' && text[i + 2] == 'C') {
            rc = sb_adds(b, st->dc);
            i += 3;
            continue;
        }
        rc = sb_addc(b, c);
        i++;
    }
    if (rc < 0)
        return rc;
    b->len = start + rtrim_len(b->s ? b->s + start : "", b->len - start);
    if (b->s)
        b->s[b->len] = '\0';
    return CRTK_OK;
}

static int add_msg(crtk_edit_state *st,
                   crtk_edit_msg_type type,
                   long number,
                   const char *text,
                   size_t len,
                   bool expand_it)
{
    int rc;

    if (st->nmsg >= EDIT_MAX_MESSAGES)
        return CRTK_OK;
    if (st->nmsg == st->capmsg) {
        size_t cap = st->capmsg ? st->capmsg * 2 : 8;
        crtk_edit_message *m = realloc(st->msgs, cap * sizeof *m);
        if (!m)
            return CRTK_ENOMEM;
        st->msgs = m;
        size_t *o = realloc(st->msgoff, cap * sizeof *o);
        if (!o)
            return CRTK_ENOMEM;
        st->msgoff = o;
        st->capmsg = cap;
    }
    st->msgoff[st->nmsg] = st->msgtext.len;
    rc = expand_it ? expand(st, &st->msgtext, text, len) : sb_add(&st->msgtext, text, len);
    if (rc == CRTK_OK)
        rc = sb_addc(&st->msgtext, '\0');
    if (rc < 0)
        return rc;
    st->msgs[st->nmsg].type = type;
    st->msgs[st->nmsg].number = number;
    st->msgs[st->nmsg].text = NULL;
    st->nmsg++;
    return CRTK_OK;
}

int crtk__edits_add_message(
    crtk_edit_state *st, crtk_edit_msg_type type, long number, const char *text, size_t len)
{
    return add_msg(st, type, number, text, len, true);
}

int crtk__edits_set_pending(crtk_edit_state *st, long number, const char *text, size_t len)
{
    sb_clear(&st->pending);
    st->pending_number = number;
    st->has_pending = true;
    return expand(st, &st->pending, text, len);
}

/* ---- the interpreter ------------------------------------------------------------------- */

static int ensure(void **p, size_t *cap, size_t need, size_t size)
{
    void *q;

    if (need <= *cap && *p)
        return CRTK_OK;
    if (need < 16)
        need = 16;
    q = realloc(*p, need * size);
    if (!q)
        return CRTK_ENOMEM;
    *p = q;
    *cap = need;
    return CRTK_OK;
}

static int prepare(const crtk_edit *e, crtk_edit_state *st)
{
    if (ensure((void **)&st->stack, &st->stackcap, e->max_stack + 4, sizeof *st->stack) < 0 ||
        ensure((void **)&st->ints, &st->intcap, e->nints + 1, sizeof *st->ints) < 0 ||
        ensure((void **)&st->smem, &st->smemcap, e->sbytes + 1, 1) < 0 ||
        ensure((void **)&st->slen, &st->slencap, e->nsvars + 1, sizeof *st->slen) < 0)
        return CRTK_ENOMEM;
    if (!st->msgtext.s && sb_reserve(&st->msgtext, 256) < 0)
        return CRTK_ENOMEM;
    if (!st->pending.s && sb_reserve(&st->pending, 256) < 0)
        return CRTK_ENOMEM;
    if (e->nints)
        memset(st->ints, 0, e->nints * sizeof *st->ints);
    if (e->nsvars)
        memset(st->slen, 0, e->nsvars * sizeof *st->slen);
    /* char arrays start empty; an edit that subscripts them sees them zeroed, so what s[i]
     * reads past the end of a string is the same on every run (C would see whatever was
     * there) */
    if (e->subscripts) {
        memset(st->smem, 0, e->sbytes + 1);
    } else {
        for (size_t i = 0; i < e->nsvars; i++)
            st->smem[e->soff[i]] = '\0';
    }
    arena_reset(st);
    st->nmsg = 0;
    sb_clear(&st->msgtext);
    sb_clear(&st->pending);
    sb_clear(&st->result_str);
    st->has_pending = false;
    st->pending_number = 0;
    st->failed = false;
    st->dc[0] = '\0';
    st->future_years = 0;
    st->rt_error = NULL;
    {
        /* today: the edit's fixed date or the real one; stored (and written out) only when it
         * changes, as a store on every run would stall the loads that follow it */
        int ty = e->today_y ? e->today_y : st->real_y, tm = e->today_y ? e->today_m : st->real_m,
            td = e->today_y ? e->today_d : st->real_d;
        if (ty != st->today_y || tm != st->today_m || td != st->today_d) {
            unsigned y = (unsigned)ty % 10000u, m = (unsigned)tm % 100u, d = (unsigned)td % 100u;
            char *t = st->today_str;
            t[0] = (char)('0' + y / 1000);
            t[1] = (char)('0' + y / 100 % 10);
            t[2] = (char)('0' + y / 10 % 10);
            t[3] = (char)('0' + y % 10);
            t[4] = (char)('0' + m / 10);
            t[5] = (char)('0' + m % 10);
            t[6] = (char)('0' + d / 10);
            t[7] = (char)('0' + d % 10);
            t[8] = '\0';
            st->today_y = ty;
            st->today_m = tm;
            st->today_d = td;
        }
    }
    return CRTK_OK;
}

static int finish_fail(crtk_edit_state *st, long returned)
{
    const crtk_edit *e = st->edit;
    const char *t;
    char fallback[64];

    if (returned != 0) {
        /* `return N` with a message number: fail with message N */
        t = crtk__edits_message_text(st, returned);
        if (t)
            return crtk__edits_add_message(st, CRTK_EDIT_MSG_ERROR, returned, t, strlen(t));
    }
    if (st->has_pending) /* already expanded when ERROR_TEXT/ERROR_MSG ran */
        return add_msg(st, CRTK_EDIT_MSG_ERROR, st->pending_number, st->pending.s, st->pending.len,
                       false);
    t = e->default_message ? crtk__edits_message_text(st, e->default_message) : NULL;
    if (!t) {
        snprintf(fallback, sizeof fallback, "edit failed");
        t = fallback;
    }
    return crtk__edits_add_message(st, CRTK_EDIT_MSG_ERROR, e->default_message, t, strlen(t));
}

const char *crtk__edits_load_value(
    bool nul_free, crtk_edit_value_fn value, void *ctx, int slot, int width, size_t *n)
{
    const char *v = value ? value(ctx, slot) : NULL;
    const char *z;

    if (!v)
        v = blanks;
    *n = (size_t)width;
    if (!nul_free || v == blanks) {
        z = memchr(v, '\0', (size_t)width);
        if (z)
            *n = (size_t)(z - v);
    }
    return v;
}

/* Dispatch: with GCC or Clang each instruction jumps straight to the next one's code
 * (labels as values), which predicts better than one switch; elsewhere a switch. */
#if defined(__GNUC__)
#define VM_THREADED
#define LABEL(name) L_##name : (void)0
#define NEXT                  \
    do {                      \
        if (--budget < 0)     \
            goto over_budget; \
        in = ip++;            \
        goto *labels[in->op]; \
    } while (0)
#else
#define LABEL(name) (void)0
#define NEXT        break
#endif

/* Built-in `in` on args[0 .. n); its result replaces args[0]. Field by field: one wide copy
 * of the result would wait for the built-in's narrower stores to retire. */
static inline int call_builtin(crtk_edit_state *st, const insn *in, val *args, int n)
{
    val out = {0, "", 0};

    if (crtk__edits_builtin_fns[in->a](st, in, args, n, &out) < 0)
        return -1;
    args->i = out.i;
    if (crtk__edits_builtins[in->a].ret == TY_STR) {
        args->s = out.s;
        args->n = out.n;
    }
    return 0;
}

static inline int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t wrap_sub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static inline int64_t wrap_mul(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* GCC would merge the copies of the dispatch jump at the end of every instruction back into
 * one, which undoes threading. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
int crtk__edits_exec(const crtk_edit *e,
                     crtk_edit_state *st,
                     crtk_edit_value_fn value,
                     void *ctx,
                     crtk_edit_result *res,
                     bool *is_str)
{
    const insn *code = e->code, *ip = code;
    val *stack, *sp;
    const insn *calls[EDIT_MAX_CALL_DEPTH];
    int ncalls = 0, rc;
    long budget = e->max_instructions;
    long returned = 1;
    const insn *in = NULL;

    memset(res, 0, sizeof *res);
    res->error = "";
    if (is_str)
        *is_str = false;
    rc = prepare(e, st);
    if (rc < 0) {
        res->status = CRTK_EDIT_ERROR;
        res->error = "out of memory";
        return rc;
    }
    st->edit = e;
    st->value = value;
    st->value_ctx = ctx;
    stack = st->stack;
    sp = stack;

#ifdef VM_THREADED
    static const void *const labels[OP__COUNT] = {
#define X(name, operand, pops, pushes) [OP_##name] = &&L_##name,
        CRTK_OPCODES(X)
#undef X
    };
#endif

    for (;;) {
        if (--budget < 0)
            goto over_budget;
        in = ip++;
#ifdef VM_THREADED
        goto *labels[in->op];
#endif
        switch ((enum op)in->op) {
        case OP_PUSH_INT: /* [] -> [k] */
            LABEL(PUSH_INT);
            sp->i = in->k;
            sp++;
            NEXT;
        case OP_PUSH_STR: /* [] -> [str a] */
            LABEL(PUSH_STR);
            sp->s = e->strs[in->a].s;
            sp->n = (int32_t)e->strs[in->a].len;
            sp++;
            NEXT;
        case OP_PUSH_TODAY: /* [] -> ["YYYYMMDD"] */
            LABEL(PUSH_TODAY);
            sp->s = st->today_str;
            sp->n = 8;
            sp++;
            NEXT;
        case OP_PUSH_VARREF: /* [] -> [string variable index a] */
            LABEL(PUSH_VARREF);
            sp->i = in->a;
            sp++;
            NEXT;
        case OP_LOAD_FIELD: { /* [] -> [field a, k bytes, cut at a NUL] */
            LABEL(LOAD_FIELD);
            size_t n;
            sp->s = crtk__edits_load_value(e->values_nul_free, value, ctx, in->a, (int)in->k, &n);
            sp->n = (int32_t)n;
            sp++;
            NEXT;
        }
        case OP_LOAD_INT: /* [] -> [ints[a]] */
            LABEL(LOAD_INT);
            sp->i = st->ints[in->a];
            sp++;
            NEXT;
        case OP_STORE_INT: /* [x] -> [], ints[a] = x */
            LABEL(STORE_INT);
            st->ints[in->a] = (--sp)->i;
            NEXT;
        case OP_LOAD_STR: /* [] -> [string variable a] */
            LABEL(LOAD_STR);
            sp->s = st->smem + e->soff[in->a];
            sp->n = st->slen[in->a];
            sp++;
            NEXT;
        case OP_STORE_STR: { /* [s] -> [], copy s into variable a (truncated to its size) */
            LABEL(STORE_STR);
            char *d = st->smem + e->soff[in->a];
            size_t n = (size_t)(--sp)->n;
            if (n > e->scap[in->a])
                n = e->scap[in->a];
            memmove(d, sp->s, n);
            d[n] = '\0';
            st->slen[in->a] = (int32_t)n;
            NEXT;
        }
        case OP_LOAD_CHAR: { /* [i] -> [a[i] as a 1-char string, "" out of range] */
            LABEL(LOAD_CHAR);
            int64_t i = sp[-1].i;
            const char *d = st->smem + e->soff[in->a];
            bool in_array = i >= 0 && i < (int64_t)e->scap[in->a];
            sp[-1].s = d + (in_array ? i : 0);
            sp[-1].n = in_array && d[i] ? 1 : 0;
            NEXT;
        }
        case OP_STORE_CHAR: { /* [i c] -> [], a[i] = c (n: c is a string) */
            LABEL(STORE_CHAR);
            val c = *--sp;
            int64_t i = (--sp)->i;
            char *d = st->smem + e->soff[in->a];
            char ch = in->n ? (c.n > 0 ? c.s[0] : '\0') : (char)c.i;
            int32_t *len = &st->slen[in->a];
            if (i < 0 || i >= (int64_t)e->scap[in->a]) {
                snprintf(st->errbuf, sizeof st->errbuf, "array index %lld out of range",
                         (long long)i);
                st->rt_error = st->errbuf;
                goto error;
            }
            /* as in C: a character stored past the terminator leaves the string's length
             * alone until the gap before it is filled */
            d[i] = ch;
            if (i <= *len)
                *len = (int32_t)strnlen(d, e->scap[in->a]);
            NEXT;
        }
        case OP_NEG: /* [x] -> [-x] */
            LABEL(NEG);
            sp[-1].i = wrap_sub(0, sp[-1].i);
            NEXT;
        case OP_NOT: /* [x] -> [!x] */
            LABEL(NOT);
            sp[-1].i = !sp[-1].i;
            NEXT;
        case OP_ADD: /* [a b] -> [a+b] */
            LABEL(ADD);
            sp--;
            sp[-1].i = wrap_add(sp[-1].i, sp->i);
            NEXT;
        case OP_SUB: /* [a b] -> [a-b] */
            LABEL(SUB);
            sp--;
            sp[-1].i = wrap_sub(sp[-1].i, sp->i);
            NEXT;
        case OP_MUL: /* [a b] -> [a*b] */
            LABEL(MUL);
            sp--;
            sp[-1].i = wrap_mul(sp[-1].i, sp->i);
            NEXT;
        case OP_DIV: /* [a b] -> [a/b], truncating */
            LABEL(DIV);
        case OP_MOD: /* [a b] -> [a%b] */
            LABEL(MOD);
            sp--;
            if (sp->i == 0) {
                st->rt_error = "division by zero";
                goto error;
            }
            if (sp->i == -1)
                sp[-1].i = in->op == OP_DIV ? wrap_sub(0, sp[-1].i) : 0;
            else
                sp[-1].i = in->op == OP_DIV ? sp[-1].i / sp->i : sp[-1].i % sp->i;
            NEXT;
        case OP_EQ: /* [a b] -> [a==b] */
            LABEL(EQ);
            sp--;
            sp[-1].i = sp[-1].i == sp->i;
            NEXT;
        case OP_NE: /* [a b] -> [a!=b] */
            LABEL(NE);
            sp--;
            sp[-1].i = sp[-1].i != sp->i;
            NEXT;
        case OP_LT: /* [a b] -> [a<b] */
            LABEL(LT);
            sp--;
            sp[-1].i = sp[-1].i < sp->i;
            NEXT;
        case OP_LE: /* [a b] -> [a<=b] */
            LABEL(LE);
            sp--;
            sp[-1].i = sp[-1].i <= sp->i;
            NEXT;
        case OP_GT: /* [a b] -> [a>b] */
            LABEL(GT);
            sp--;
            sp[-1].i = sp[-1].i > sp->i;
            NEXT;
        case OP_GE: /* [a b] -> [a>=b] */
            LABEL(GE);
            sp--;
            sp[-1].i = sp[-1].i >= sp->i;
            NEXT;
        case OP_JUMP: /* [] -> [] */
            LABEL(JUMP);
            ip = code + in->a;
            NEXT;
        case OP_JZ: /* [x] -> [], jump when x == 0 */
            LABEL(JZ);
            if ((--sp)->i == 0)
                ip = code + in->a;
            NEXT;
        case OP_JNZ: /* [x] -> [], jump when x != 0 */
            LABEL(JNZ);
            if ((--sp)->i != 0)
                ip = code + in->a;
            NEXT;
        case OP_CALL: { /* [args...n] -> [result] */
            LABEL(CALL);
            sp -= in->n;
            if (call_builtin(st, in, sp, in->n) < 0)
                goto error;
            sp++;
            NEXT;
        }
        case OP_POP: /* [x] -> [] */
            LABEL(POP);
            sp--;
            NEXT;
        case OP_CALLF: /* [] -> [], enter user FUNCTION at a */
            LABEL(CALLF);
            if (ncalls == EDIT_MAX_CALL_DEPTH) {
                st->rt_error = "FUNCTION calls nested too deeply";
                goto error;
            }
            calls[ncalls++] = ip;
            ip = code + in->a;
            NEXT;
        case OP_RETF: /* [] -> [], back to the caller */
            LABEL(RETF);
            if (ncalls == 0) {
                st->rt_error = "internal error: RETF without CALLF";
                goto error;
            }
            ip = calls[--ncalls];
            NEXT;
        case OP_RESET: /* [] -> [], recycle string temporaries */
            LABEL(RESET);
            arena_reset(st);
            NEXT;
        case OP_RETURN: /* [x] -> [], end the edit returning x */
            LABEL(RETURN);
            returned = (long)(--sp)->i;
            goto done;
        case OP_RETURN_STR: /* [s] -> [], end an evaluation with string s */
            LABEL(RETURN_STR);
            sp--;
            if (sb_set(&st->result_str, sp->s, (size_t)sp->n) < 0) {
                st->rt_error = "out of memory";
                goto error;
            }
            if (is_str)
                *is_str = true;
            returned = 1;
            goto done;
        case OP_RETURN_K: /* PUSH_INT k; RETURN */
            LABEL(RETURN_K);
            if (--budget < 0) { /* the RETURN's own step */
                in = ip;
                goto over_budget;
            }
            returned = (long)in->k;
            goto done;
        case OP_EMPTY_FIELD: { /* LOAD_FIELD; CALL EMPTY/1: [] -> [field a is blank] */
            LABEL(EMPTY_FIELD);
            size_t n;
            const char *v =
                crtk__edits_load_value(e->values_nul_free, value, ctx, in->a, (int)in->k, &n);
            if (--budget < 0) { /* the CALL's step */
                in = ip;
                goto over_budget;
            }
            sp->i = is_blank_all(v, n);
            sp++;
            ip++;
            NEXT;
        }
        case OP_EMPTY_FIELD_JZ:    /* LOAD_FIELD; CALL EMPTY/1; JZ t: to t when not blank */
        case OP_EMPTY_FIELD_JNZ: { /* LOAD_FIELD; CALL EMPTY/1; JNZ t: to t when blank */
            LABEL(EMPTY_FIELD_JZ);
            LABEL(EMPTY_FIELD_JNZ);
            size_t n;
            const char *v =
                crtk__edits_load_value(e->values_nul_free, value, ctx, in->a, (int)in->k, &n);
            if (--budget < 0) { /* the CALL's step */
                in = ip;
                goto over_budget;
            }
            if (--budget < 0) { /* the jump's */
                in = ip + 1;
                goto over_budget;
            }
            ip = is_blank_all(v, n) == (in->op == OP_EMPTY_FIELD_JNZ) ? code + ip[1].a : ip + 2;
            NEXT;
        }
        case OP_NOT_JZ: /* NOT; JZ t: [x] -> [], to t when x != 0 */
            LABEL(NOT_JZ);
            if (--budget < 0) { /* the JZ's step */
                in = ip;
                goto over_budget;
            }
            ip = (--sp)->i != 0 ? code + ip->a : ip + 1;
            NEXT;
        case OP_FIELD_STR_CALL: { /* LOAD_FIELD; PUSH_STR; CALL b/2: [] -> [result] */
            LABEL(FIELD_STR_CALL);
            size_t n;
            sp[0].s = crtk__edits_load_value(e->values_nul_free, value, ctx, in->a, (int)in->k, &n);
            sp[0].n = (int32_t)n;
            if (--budget < 0) { /* the PUSH_STR's step */
                in = ip;
                goto over_budget;
            }
            sp[1].s = e->strs[ip->a].s;
            sp[1].n = (int32_t)e->strs[ip->a].len;
            if (--budget < 0) { /* the CALL's */
                in = ip + 1;
                goto over_budget;
            }
            in = ip + 1; /* the CALL: its site, and its line for a run-time error */
            ip += 2;
            if (call_builtin(st, in, sp, 2) < 0)
                goto error;
            sp++;
            NEXT;
        }
        case OP_HALT: /* [] -> [], fell off the end: PASS [guess, docs section 4] */
            LABEL(HALT);
            returned = 1;
            goto done;
        default:
            st->rt_error = "internal error: bad opcode";
            goto error;
        }
    }

over_budget:
    st->rt_error = "instruction budget exceeded";
    goto error;

done:
    res->returned = returned;
    if (returned != 1) {
        rc = finish_fail(st, returned);
        if (rc < 0) {
            st->rt_error = "out of memory";
            goto error;
        }
        res->status = CRTK_EDIT_FAIL;
    } else if (st->failed) {
        /* flagged by SAVE_TEXT & co or USR2; with no text of its own, the default message */
        if (st->nmsg == 0 && finish_fail(st, 0) < 0) {
            st->rt_error = "out of memory";
            goto error;
        }
        res->status = CRTK_EDIT_FAIL;
    } else {
        res->status = CRTK_EDIT_PASS;
    }
    goto out;
error:
    res->status = CRTK_EDIT_ERROR;
    res->error = st->rt_error ? st->rt_error : "run-time error";
    res->error_line = in ? e->lines[in - code] : 0;
out:
    for (size_t i = 0; i < st->nmsg; i++)
        st->msgs[i].text = st->msgtext.s + st->msgoff[i];
    res->messages = st->msgs;
    res->nmessages = st->nmsg;
    return res->status == CRTK_EDIT_ERROR && st->rt_error &&
                   strcmp(st->rt_error, "out of memory") == 0
               ? CRTK_ENOMEM
               : CRTK_OK;
}

int crtk_edit_run(const crtk_edit *edit,
                  crtk_edit_state *state,
                  crtk_edit_value_fn value,
                  void *value_ctx,
                  crtk_edit_result *result)
{
    if (!edit || !state || !result)
        return CRTK_EARG;
    /* a pure opening that decides PASS: the same result, without the VM */
    if (crtk__edits_prefilter_pass(edit, value, value_ctx)) {
        memset(result, 0, sizeof *result);
        result->status = CRTK_EDIT_PASS;
        result->returned = 1;
        result->error = "";
        result->messages = state->msgs;
        return CRTK_OK;
    }
    return crtk__edits_exec(edit, state, value, value_ctx, result, NULL);
}

int crtk__edits_run_vm(const crtk_edit *e,
                       crtk_edit_state *st,
                       crtk_edit_value_fn value,
                       void *ctx,
                       crtk_edit_result *res)
{
    return crtk__edits_exec(e, st, value, ctx, res, NULL);
}
