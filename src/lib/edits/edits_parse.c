/* edits_parse.c - recursive-descent parser: tokens to an AST allocated in one arena.
 * Precedence (docs/edits-language.md section 5): unary > * / % > + - > relational > equality
 * > AND/OR, where AND and OR share one level and group left to right, as IMS does to
 * reproduce CDC results (`a OR b AND c` is `(a OR b) AND c`). The first error stops the parse
 * and reports line:col, what was expected and the token found. Nesting is bounded by
 * CRTK_EDIT_MAX_DEPTH so hostile input cannot overflow the C stack. */
#include "edits_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LITERAL (64 * 1024)

struct ast_chunk {
    ast_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

void *crtk__edits_ast_alloc(ast *a, size_t size)
{
    ast_chunk *c = a->chunks;
    void *p;

    size = (size + 15) & ~(size_t)15;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = a->chunks;
        c->used = 0;
        c->cap = cap;
        a->chunks = c;
    }
    p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void crtk__edits_ast_free(ast *a)
{
    ast_chunk *c = a->chunks, *n;

    while (c) {
        n = c->next;
        free(c);
        c = n;
    }
    a->chunks = NULL;
    a->root = NULL;
}

typedef struct parser {
    lexer lx;
    token tok; /* current token */
    ast *a;
    crtk_error *err;
    int depth;
    bool eval_mode;
} parser;

static int advance(parser *p)
{
    return crtk__edits_lex_next(&p->lx, &p->tok);
}

/* Describe token t for an error message ("identifier 'foo'", "';'", ...). */
static void describe(const token *t, char *buf, size_t cap)
{
    int n = t->len > 24 ? 24 : (int)t->len;
    const char *dots = t->len > 24 ? "..." : "";

    switch (t->type) {
    case T_IDENT:
        snprintf(buf, cap, "identifier '%.*s'", n, t->p);
        break;
    case T_NUMBER:
        snprintf(buf, cap, "number %.*s", n, t->p);
        break;
    case T_STRING:
        snprintf(buf, cap, "string \"%.*s%s\"", n, t->p, dots);
        break;
    case T_CHAR:
        snprintf(buf, cap, "character '%.*s'", n, t->p);
        break;
    case T_FIELD:
        snprintf(buf, cap, "field #S\"%.*s%s\"", n, t->p, dots);
        break;
    case T_CONST:
        snprintf(buf, cap, "constant %s", crtk__edits_const_name((enum cid)t->ival));
        break;
    case T_EOF:
        snprintf(buf, cap, "end of input");
        break;
    default:
        if (t->type >= T_NOT && t->type <= T_TABLEVAR)
            snprintf(buf, cap, "keyword '%.*s'", n, t->p);
        else
            snprintf(buf, cap, "%s", crtk__edits_tok_name(t->type));
    }
}

static int expected(parser *p, const char *what)
{
    char found[80];

    describe(&p->tok, found, sizeof found);
    return crtk__fail_at(p->err, CRTK_EPARSE, p->tok.line, p->tok.col, NULL,
                         "expected %s, found %s", what, found);
}

static int expect(parser *p, enum tok t, const char *what)
{
    if (p->tok.type != t)
        return expected(p, what);
    return advance(p);
}

static int enter(parser *p)
{
    if (++p->depth > CRTK_EDIT_MAX_DEPTH)
        return crtk__fail_at(p->err, CRTK_ELIMIT, p->tok.line, p->tok.col, NULL,
                             "nesting deeper than %d levels", CRTK_EDIT_MAX_DEPTH);
    return CRTK_OK;
}

static node *mk(parser *p, enum nkind kind, const token *at)
{
    node *n = crtk__edits_ast_alloc(p->a, sizeof *n);

    if (!n)
        return NULL;
    n->kind = kind;
    n->line = at->line;
    n->col = at->col;
    n->site = -1;
    n->var = -1;
    return n;
}

static int oom(parser *p)
{
    return crtk__fail_at(p->err, CRTK_ENOMEM, p->tok.line, p->tok.col, NULL, "out of memory");
}

/* Copy token text into the node, dropping line breaks inside string literals. */
static int set_text(parser *p, node *n, const token *t, bool drop_nl)
{
    char *s;
    size_t j = 0;

    if (t->len > MAX_LITERAL)
        return crtk__fail_at(p->err, CRTK_ELIMIT, t->line, t->col, NULL,
                             "literal longer than %d bytes", MAX_LITERAL);
    s = crtk__edits_ast_alloc(p->a, t->len + 1);
    if (!s)
        return oom(p);
    for (size_t i = 0; i < t->len; i++) {
        if (drop_nl && (t->p[i] == '\n' || t->p[i] == '\r'))
            continue;
        s[j++] = t->p[i];
    }
    s[j] = '\0';
    n->name = s;
    n->nlen = j;
    return CRTK_OK;
}

/* A growable node list built in malloc'ed memory, then moved into the arena. */
typedef struct nlist {
    node **v;
    int n, cap;
} nlist;

static int nl_push(parser *p, nlist *l, node *x)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        node **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return oom(p);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return CRTK_OK;
}

static int nl_finish(parser *p, nlist *l, node *owner)
{
    owner->nlist = l->n;
    if (l->n) {
        owner->list = crtk__edits_ast_alloc(p->a, (size_t)l->n * sizeof *owner->list);
        if (!owner->list) {
            free(l->v);
            return oom(p);
        }
        memcpy(owner->list, l->v, (size_t)l->n * sizeof *owner->list);
    }
    free(l->v);
    l->v = NULL;
    return CRTK_OK;
}

static int parse_expr(parser *p, node **out);

static int parse_args(parser *p, node *call)
{
    nlist l = {0};
    int rc;

    rc = advance(p); /* '(' */
    if (rc < 0)
        return rc;
    if (p->tok.type != T_RPAREN) {
        for (;;) {
            node *arg;
            rc = parse_expr(p, &arg);
            if (rc == CRTK_OK)
                rc = nl_push(p, &l, arg);
            if (rc < 0) {
                free(l.v);
                return rc;
            }
            if (p->tok.type == T_COMMA) {
                rc = advance(p);
                if (rc < 0) {
                    free(l.v);
                    return rc;
                }
                continue;
            }
            if (p->tok.type != T_RPAREN) {
                free(l.v);
                return expected(p, "',' or ')' in argument list");
            }
            break;
        }
    }
    rc = nl_finish(p, &l, call);
    if (rc < 0)
        return rc;
    return advance(p); /* ')' */
}

static int parse_primary(parser *p, node **out)
{
    token t = p->tok;
    node *n;
    int rc;

    switch (t.type) {
    case T_NUMBER:
        n = mk(p, N_INT, &t);
        if (!n)
            return oom(p);
        n->ival = t.ival;
        break;
    case T_STRING:
    case T_CHAR:
        n = mk(p, N_STR, &t);
        if (!n)
            return oom(p);
        rc = set_text(p, n, &t, t.type == T_STRING);
        if (rc < 0)
            return rc;
        break;
    case T_FIELD:
        if (t.local)
            return crtk__fail_at(p->err, CRTK_EINVALID, t.line, t.col, NULL,
                                 "local field references #L\"...\" are not supported");
        n = mk(p, N_FIELD, &t);
        if (!n)
            return oom(p);
        rc = set_text(p, n, &t, false);
        if (rc < 0)
            return rc;
        break;
    case T_CONST:
        n = mk(p, N_CONST, &t);
        if (!n)
            return oom(p);
        n->ival = t.ival;
        break;
    case T_LPAREN:
        rc = advance(p);
        if (rc == CRTK_OK)
            rc = parse_expr(p, out);
        if (rc < 0)
            return rc;
        if (p->tok.type != T_RPAREN)
            return expected(p, "')'");
        return advance(p);
    case T_IDENT:
        n = mk(p, N_VAR, &t);
        if (!n)
            return oom(p);
        rc = set_text(p, n, &t, false);
        if (rc < 0)
            return rc;
        rc = advance(p);
        if (rc < 0)
            return rc;
        if (p->tok.type == T_LPAREN) {
            n->kind = N_CALL;
            rc = parse_args(p, n);
            if (rc < 0)
                return rc;
        } else if (p->tok.type == T_LBRACKET) {
            n->kind = N_INDEX;
            rc = advance(p);
            if (rc == CRTK_OK)
                rc = parse_expr(p, &n->a);
            if (rc < 0)
                return rc;
            if (p->tok.type != T_RBRACKET)
                return expected(p, "']'");
            rc = advance(p);
            if (rc < 0)
                return rc;
        }
        *out = n;
        return CRTK_OK;
    default:
        return expected(p, "an expression");
    }
    *out = n;
    return advance(p);
}

static int parse_unary(parser *p, node **out)
{
    token t = p->tok;
    node *n;
    int rc;

    if (t.type != T_NOT && t.type != T_MINUS && t.type != T_PLUS)
        return parse_primary(p, out);
    rc = enter(p);
    if (rc == CRTK_OK)
        rc = advance(p);
    if (rc == CRTK_OK)
        rc = parse_unary(p, out);
    p->depth--;
    if (rc < 0 || t.type == T_PLUS)
        return rc;
    /* fold -NUMBER so that the most negative literal stays exact */
    if (t.type == T_MINUS && (*out)->kind == N_INT) {
        (*out)->ival = -(*out)->ival;
        (*out)->line = t.line;
        (*out)->col = t.col;
        return CRTK_OK;
    }
    n = mk(p, N_UNARY, &t);
    if (!n)
        return oom(p);
    n->op = t.type;
    n->a = *out;
    *out = n;
    return CRTK_OK;
}

/* One binary level: ops is a 0-terminated token list, next the tighter level. */
static int binary_level(
    parser *p, node **out, const enum tok *ops, int (*next)(parser *, node **), enum nkind kind)
{
    int rc = next(p, out);

    while (rc == CRTK_OK) {
        bool hit = false;
        for (const enum tok *o = ops; *o; o++)
            hit |= p->tok.type == *o;
        if (!hit)
            break;
        token t = p->tok;
        node *n = mk(p, kind, &t);
        if (!n)
            return oom(p);
        n->op = t.type;
        n->a = *out;
        rc = advance(p);
        if (rc == CRTK_OK)
            rc = next(p, &n->b);
        if (kind == N_BINARY && (t.type == T_AND || t.type == T_OR))
            n->kind = t.type == T_AND ? N_AND : N_OR;
        *out = n;
    }
    return rc;
}

static int parse_mul(parser *p, node **out)
{
    static const enum tok ops[] = {T_STAR, T_SLASH, T_PERCENT, 0};
    return binary_level(p, out, ops, parse_unary, N_BINARY);
}

static int parse_add(parser *p, node **out)
{
    static const enum tok ops[] = {T_PLUS, T_MINUS, 0};
    return binary_level(p, out, ops, parse_mul, N_BINARY);
}

static int parse_rel(parser *p, node **out)
{
    static const enum tok ops[] = {T_LT, T_LE, T_GT, T_GE, 0};
    return binary_level(p, out, ops, parse_add, N_BINARY);
}

static int parse_eq(parser *p, node **out)
{
    static const enum tok ops[] = {T_EQ, T_NE, 0};
    return binary_level(p, out, ops, parse_rel, N_BINARY);
}

static int parse_expr(parser *p, node **out)
{
    static const enum tok ops[] = {T_AND, T_OR, 0};
    int rc = enter(p);

    if (rc == CRTK_OK)
        rc = binary_level(p, out, ops, parse_eq, N_BINARY);
    p->depth--;
    return rc;
}

static int parse_statement(parser *p, node **out, bool top);

/* block := stmt | '{' stmt* '}' */
static int parse_block(parser *p, node **out)
{
    nlist l = {0};
    node *b;
    int rc;

    if (p->tok.type != T_LBRACE)
        return parse_statement(p, out, false);
    b = mk(p, N_BLOCK, &p->tok);
    if (!b)
        return oom(p);
    rc = enter(p);
    if (rc == CRTK_OK)
        rc = advance(p);
    while (rc == CRTK_OK && p->tok.type != T_RBRACE) {
        node *s;
        if (p->tok.type == T_EOF) {
            rc = expected(p, "'}'");
            break;
        }
        rc = parse_statement(p, &s, false);
        if (rc == CRTK_OK)
            rc = nl_push(p, &l, s);
    }
    p->depth--;
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    rc = nl_finish(p, &l, b);
    if (rc < 0)
        return rc;
    *out = b;
    return advance(p); /* '}' */
}

static int parse_decl(parser *p, node **out)
{
    nlist l = {0};
    node *d = mk(p, N_DECL, &p->tok);
    int rc;

    if (!d)
        return oom(p);
    d->op = p->tok.type;
    rc = advance(p);
    for (;;) {
        node *v;
        if (rc < 0)
            break;
        if (p->tok.type != T_IDENT) {
            rc = expected(p, "a variable name");
            break;
        }
        v = mk(p, N_VAR, &p->tok);
        if (!v) {
            rc = oom(p);
            break;
        }
        v->ival = -1;
        rc = set_text(p, v, &p->tok, false);
        if (rc == CRTK_OK)
            rc = advance(p);
        if (rc == CRTK_OK && p->tok.type == T_LBRACKET) {
            rc = advance(p);
            if (rc == CRTK_OK && p->tok.type != T_NUMBER)
                rc = expected(p, "an array size");
            if (rc == CRTK_OK) {
                v->ival = p->tok.ival;
                rc = advance(p);
            }
            if (rc == CRTK_OK)
                rc = expect(p, T_RBRACKET, "']'");
        }
        if (rc == CRTK_OK && p->tok.type == T_ASSIGN) {
            rc = advance(p);
            if (rc == CRTK_OK)
                rc = parse_expr(p, &v->a); /* initialiser */
        }
        if (rc == CRTK_OK)
            rc = nl_push(p, &l, v);
        if (rc < 0)
            break;
        if (p->tok.type == T_COMMA) {
            rc = advance(p);
            continue;
        }
        if (p->tok.type != T_SEMI)
            rc = expected(p, "',' or ';' in declaration");
        break;
    }
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    rc = nl_finish(p, &l, d);
    if (rc < 0)
        return rc;
    *out = d;
    return advance(p); /* ';' */
}

static int parse_statement(parser *p, node **out, bool top)
{
    token t = p->tok;
    node *n = NULL;
    int rc = enter(p);

    if (rc < 0)
        goto done;
    switch (t.type) {
    case T_SEMI:
        n = mk(p, N_EMPTY, &t);
        rc = n ? advance(p) : oom(p);
        break;
    case T_LBRACE:
        rc = parse_block(p, &n);
        break;
    case T_INT:
    case T_LONG:
    case T_CHARKW:
    case T_TABLEVAR:
        rc = parse_decl(p, &n);
        break;
    case T_IF:
    case T_WHILE:
        n = mk(p, t.type == T_IF ? N_IF : N_WHILE, &t);
        if (!n) {
            rc = oom(p);
            break;
        }
        rc = advance(p);
        if (rc == CRTK_OK)
            rc = expect(p, T_LPAREN, "'(' after IF/WHILE");
        if (rc == CRTK_OK)
            rc = parse_expr(p, &n->a);
        if (rc == CRTK_OK)
            rc = expect(p, T_RPAREN, "')'");
        if (rc == CRTK_OK)
            rc = parse_block(p, &n->b);
        if (rc == CRTK_OK && t.type == T_IF && p->tok.type == T_ELSE) {
            rc = advance(p);
            if (rc == CRTK_OK)
                rc = parse_block(p, &n->c);
        }
        break;
    case T_RETURN:
        n = mk(p, N_RETURN, &t);
        if (!n) {
            rc = oom(p);
            break;
        }
        rc = advance(p);
        if (rc == CRTK_OK)
            rc = parse_expr(p, &n->a);
        if (rc == CRTK_OK && !(p->eval_mode && p->tok.type == T_EOF))
            rc = expect(p, T_SEMI, "';' after return value");
        break;
    case T_FUNCTION:
        if (!top) {
            rc = crtk__fail_at(p->err, CRTK_EPARSE, t.line, t.col, NULL,
                               "FUNCTION may only be defined at the top level of an edit");
            break;
        }
        n = mk(p, N_FUNCDEF, &t);
        if (!n) {
            rc = oom(p);
            break;
        }
        rc = advance(p);
        if (rc == CRTK_OK && p->tok.type != T_IDENT)
            rc = expected(p, "a function name");
        if (rc == CRTK_OK)
            rc = set_text(p, n, &p->tok, false);
        if (rc == CRTK_OK)
            rc = advance(p);
        if (rc == CRTK_OK)
            rc = expect(p, T_LPAREN, "'(' after function name");
        if (rc == CRTK_OK)
            rc = expect(p, T_RPAREN, "')' (functions take no parameters)");
        if (rc == CRTK_OK)
            rc = parse_block(p, &n->a);
        break;
    default: {
        node *e;
        rc = parse_expr(p, &e);
        if (rc < 0)
            break;
        if (p->tok.type == T_ASSIGN) {
            if (e->kind != N_VAR && e->kind != N_INDEX) {
                rc = crtk__fail_at(p->err, CRTK_EPARSE, e->line, e->col, NULL,
                                   "left side of '=' must be a variable");
                break;
            }
            n = mk(p, N_ASSIGN, &t);
            if (!n) {
                rc = oom(p);
                break;
            }
            n->a = e;
            rc = advance(p);
            if (rc == CRTK_OK)
                rc = parse_expr(p, &n->b);
            if (rc == CRTK_OK)
                rc = expect(p, T_SEMI, "';' after assignment");
            break;
        }
        if (!p->eval_mode && e->kind != N_CALL) {
            if (e->kind == N_VAR)
                rc = expected(p, "'=' or '(' after identifier");
            else
                rc = crtk__fail_at(p->err, CRTK_EPARSE, t.line, t.col, NULL,
                                   "expected a statement, found an expression");
            break;
        }
        n = mk(p, N_EXPRSTMT, &t);
        if (!n) {
            rc = oom(p);
            break;
        }
        n->a = e;
        if (p->eval_mode && p->tok.type == T_EOF)
            break;
        rc = expect(p, T_SEMI, "';'");
        break;
    }
    }
done:
    p->depth--;
    if (rc == CRTK_OK && !n)
        rc = oom(p);
    if (rc == CRTK_OK)
        *out = n;
    return rc;
}

int crtk__edits_parse(ast *a, const char *src, size_t len, bool eval_mode, crtk_error *err)
{
    parser p;
    nlist l = {0};
    token start;
    int rc;

    memset(&p, 0, sizeof p);
    p.a = a;
    p.err = err;
    p.eval_mode = eval_mode;
    a->eval_mode = eval_mode;
    crtk__edits_lex_init(&p.lx, src, len, err);
    rc = advance(&p);
    start = p.tok;
    while (rc == CRTK_OK && p.tok.type != T_EOF) {
        node *s;
        rc = parse_statement(&p, &s, true);
        if (rc == CRTK_OK)
            rc = nl_push(&p, &l, s);
    }
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    a->root = mk(&p, N_BLOCK, &start);
    if (!a->root) {
        free(l.v);
        return oom(&p);
    }
    return nl_finish(&p, &l, a->root);
}
