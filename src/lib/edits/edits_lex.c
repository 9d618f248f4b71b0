/* edits_lex.c - tokenizer of the EDITS language. Hand-written, driven by a character-class
 * table (as SQLite's tokenize.c); pulls one token at a time for the parser. Keywords, named
 * constants and AND/OR/NOT are case-insensitive; LEFT/RIGHT followed by '(' stay identifiers
 * (the string functions), otherwise they are the TRIM/JUSTIFIED side constants. */
#include "edits_internal.h"
#include "error_internal.h"

#include <string.h>

enum cc { CC_OTHER, CC_SPACE, CC_NL, CC_DIGIT, CC_ALPHA, CC_PUNCT };

static unsigned char cclass[256];
static pthread_once_t cclass_once = PTHREAD_ONCE_INIT;

static void cclass_init(void)
{
    for (int c = 0; c < 256; c++) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
            cclass[c] = CC_SPACE;
        else if (c == '\n')
            cclass[c] = CC_NL;
        else if (c >= '0' && c <= '9')
            cclass[c] = CC_DIGIT;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$')
            cclass[c] = CC_ALPHA;
        else if (c && strchr("(){}[],;=!<>+-*/%&|#\"'", c))
            cclass[c] = CC_PUNCT;
        else
            cclass[c] = CC_OTHER;
    }
}

static const char *const tok_names[] = {
#define X(name, text) text,
    TOKENS(X)
#undef X
};

const char *crtk__edits_tok_name(enum tok t)
{
    return tok_names[t];
}

static const struct {
    const char *name;
    int64_t value;
} consts[] = {
    [C_TRUE] = {"TRUE", 1},
    [C_FALSE] = {"FALSE", 0},
    [C_PASS] = {"PASS", 1},
    [C_FAIL] = {"FAIL", 0},
    [C_DT_ERROR] = {"DT_ERROR", CRTK_EDIT_DT_ERROR},
    [C_DT_EMPTY] = {"DT_EMPTY", CRTK_EDIT_DT_EMPTY},
    [C_DT_UNKNOWN] = {"DT_UNKNOWN", CRTK_EDIT_DT_UNKNOWN},
    [C_DT_DAY_EMPTY] = {"DT_DAY_EMPTY", CRTK_EDIT_DT_DAY_EMPTY},
    [C_DT_MONTH_EMPTY] = {"DT_MONTH_EMPTY", CRTK_EDIT_DT_MONTH_EMPTY},
    [C_DT_MIN] = {"DT_MIN", 1},
    [C_DT_MAX] = {"DT_MAX", 2},
    [C_DT_EXACT] = {"DT_EXACT", 3},
    [C_DT_TODAY] = {"DT_TODAY", 0}, /* a string: today's YYYYMMDD */
    [C_BOTH] = {"BOTH", 2},
    [C_LEFT] = {"LEFT", 1},
    [C_RIGHT] = {"RIGHT", 0},
};

int64_t crtk__edits_const_value(enum cid c)
{
    return consts[c].value;
}

const char *crtk__edits_const_name(enum cid c)
{
    return consts[c].name;
}

static const struct {
    const char *name;
    enum tok tok;
} keywords[] = {
    {"IF", T_IF},
    {"ELSE", T_ELSE},
    {"WHILE", T_WHILE},
    {"RETURN", T_RETURN},
    {"FUNCTION", T_FUNCTION},
    {"INT", T_INT},
    {"LONG", T_LONG},
    {"CHAR", T_CHARKW},
    {"TABLEVAR", T_TABLEVAR},
    {"AND", T_AND},
    {"OR", T_OR},
    {"NOT", T_NOT},
};

int crtk__edits_strieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (!y)
            return 0;
        if (x >= 'a' && x <= 'z')
            x = (unsigned char)(x - 32);
        if (y >= 'a' && y <= 'z')
            y = (unsigned char)(y - 32);
        if (x != y)
            return 0;
    }
    return b[i] == '\0';
}

void crtk__edits_lex_init(lexer *lx, const char *src, size_t len, crtk_error *err)
{
    pthread_once(&cclass_once, cclass_init);
    lx->src = src;
    lx->cur = src;
    lx->end = src + len;
    lx->line = 1;
    lx->line_start = src;
    lx->err = err;
}

static long col_of(const lexer *lx, const char *p)
{
    return (long)(p - lx->line_start) + 1;
}

static void newline(lexer *lx, const char *p)
{
    lx->line++;
    lx->line_start = p + 1;
}

static int lex_fail(lexer *lx, long line, long col, const char *msg)
{
    return crtk__fail_at(lx->err, CRTK_EPARSE, line, col, NULL, "%s", msg);
}

/* Skip blanks and comments. */
static int skip(lexer *lx)
{
    const char *p = lx->cur;

    while (p < lx->end) {
        unsigned char c = (unsigned char)*p;
        if (cclass[c] == CC_SPACE) {
            p++;
        } else if (c == '\n') {
            newline(lx, p);
            p++;
        } else if (c == '/' && p + 1 < lx->end && p[1] == '*') {
            long line = lx->line, col = col_of(lx, p);
            p += 2;
            for (;;) {
                if (p >= lx->end) {
                    lx->cur = p;
                    return lex_fail(lx, line, col, "unterminated comment");
                }
                if (*p == '*' && p + 1 < lx->end && p[1] == '/') {
                    p += 2;
                    break;
                }
                if (*p == '\n')
                    newline(lx, p);
                p++;
            }
        } else {
            break;
        }
    }
    lx->cur = p;
    return CRTK_OK;
}

/* After an identifier: is the next non-blank character '('? (comments are not skipped) */
static bool followed_by_paren(const lexer *lx, const char *p)
{
    while (p < lx->end && (cclass[(unsigned char)*p] == CC_SPACE || *p == '\n'))
        p++;
    return p < lx->end && *p == '(';
}

static int quoted(lexer *lx, token *t, const char *p, char q)
{
    const char *start = p;

    for (;;) {
        if (p >= lx->end)
            return lex_fail(lx, t->line, t->col,
                            q == '"' ? "unterminated string" : "unterminated character literal");
        if (*p == q)
            break;
        if (*p == '\n') {
            if (q == '\'')
                return lex_fail(lx, t->line, t->col, "unterminated character literal");
            newline(lx, p); /* strings may span lines; the parser drops the line break */
        }
        p++;
    }
    t->p = start;
    t->len = (size_t)(p - start);
    lx->cur = p + 1;
    return CRTK_OK;
}

int crtk__edits_lex_next(lexer *lx, token *t)
{
    int rc;
    const char *p;
    unsigned char c;

    memset(t, 0, sizeof *t);
    rc = skip(lx);
    if (rc < 0)
        return rc;
    p = lx->cur;
    t->line = lx->line;
    t->col = col_of(lx, p);
    t->p = p;
    if (p >= lx->end) {
        t->type = T_EOF;
        return CRTK_OK;
    }
    c = (unsigned char)*p;
    switch (cclass[c]) {
    case CC_DIGIT: {
        uint64_t v = 0;
        bool big = false;
        while (p < lx->end && cclass[(unsigned char)*p] == CC_DIGIT) {
            if (v > (uint64_t)(INT64_MAX - 9) / 10)
                big = true;
            else
                v = v * 10 + (uint64_t)(*p - '0');
            p++;
        }
        if (p < lx->end && cclass[(unsigned char)*p] == CC_ALPHA)
            return lex_fail(lx, t->line, t->col, "malformed number");
        if (big)
            return lex_fail(lx, t->line, t->col, "number too large");
        t->type = T_NUMBER;
        t->ival = (int64_t)v;
        t->len = (size_t)(p - t->p);
        lx->cur = p;
        return CRTK_OK;
    }
    case CC_ALPHA: {
        while (p < lx->end &&
               (cclass[(unsigned char)*p] == CC_ALPHA || cclass[(unsigned char)*p] == CC_DIGIT))
            p++;
        t->len = (size_t)(p - t->p);
        lx->cur = p;
        t->type = T_IDENT;
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (crtk__edits_strieq(t->p, t->len, keywords[i].name)) {
                t->type = keywords[i].tok;
                return CRTK_OK;
            }
        for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
            if (crtk__edits_strieq(t->p, t->len, consts[i].name)) {
                if ((i == C_LEFT || i == C_RIGHT) && followed_by_paren(lx, p))
                    return CRTK_OK;
                t->type = T_CONST;
                t->ival = (int64_t)i;
                return CRTK_OK;
            }
        return CRTK_OK;
    }
    case CC_PUNCT:
        break;
    default:
        if (c >= 32 && c < 127)
            return crtk__fail_at(lx->err, CRTK_EPARSE, t->line, t->col, NULL,
                                 "unexpected character '%c'", c);
        return crtk__fail_at(lx->err, CRTK_EPARSE, t->line, t->col, NULL, "unexpected byte 0x%02x",
                             c);
    }

    {
        char n = p + 1 < lx->end ? p[1] : '\0';
        t->len = 1;
        lx->cur = p + 1;
        switch (c) {
        case '(':
            t->type = T_LPAREN;
            return CRTK_OK;
        case ')':
            t->type = T_RPAREN;
            return CRTK_OK;
        case '{':
            t->type = T_LBRACE;
            return CRTK_OK;
        case '}':
            t->type = T_RBRACE;
            return CRTK_OK;
        case '[':
            t->type = T_LBRACKET;
            return CRTK_OK;
        case ']':
            t->type = T_RBRACKET;
            return CRTK_OK;
        case ',':
            t->type = T_COMMA;
            return CRTK_OK;
        case ';':
            t->type = T_SEMI;
            return CRTK_OK;
        case '+':
            t->type = T_PLUS;
            return CRTK_OK;
        case '-':
            t->type = T_MINUS;
            return CRTK_OK;
        case '*':
            t->type = T_STAR;
            return CRTK_OK;
        case '/':
            t->type = T_SLASH;
            return CRTK_OK;
        case '%':
            t->type = T_PERCENT;
            return CRTK_OK;
        case '=':
            t->type = n == '=' ? T_EQ : T_ASSIGN;
            break;
        case '!':
            t->type = n == '=' ? T_NE : T_NOT;
            break;
        case '<':
            t->type = n == '=' ? T_LE : (n == '>' ? T_NE : T_LT);
            if (n == '>') {
                t->len = 2;
                lx->cur = p + 2;
                return CRTK_OK;
            }
            break;
        case '>':
            t->type = n == '=' ? T_GE : T_GT;
            break;
        case '&':
            if (n != '&')
                return lex_fail(lx, t->line, t->col, "expected '&&', found '&'");
            t->type = T_AND;
            t->len = 2;
            lx->cur = p + 2;
            return CRTK_OK;
        case '|':
            if (n != '|')
                return lex_fail(lx, t->line, t->col, "expected '||', found '|'");
            t->type = T_OR;
            t->len = 2;
            lx->cur = p + 2;
            return CRTK_OK;
        case '"':
            t->type = T_STRING;
            return quoted(lx, t, p + 1, '"');
        case '\'':
            t->type = T_CHAR;
            rc = quoted(lx, t, p + 1, '\'');
            if (rc == CRTK_OK && t->len != 1)
                return lex_fail(lx, t->line, t->col,
                                "character literal must hold exactly one character");
            return rc;
        case '#':
            if ((n == 'S' || n == 's' || n == 'L' || n == 'l') && p + 2 < lx->end && p[2] == '"') {
                t->type = T_FIELD;
                t->local = n == 'L' || n == 'l';
                return quoted(lx, t, p + 3, '"');
            }
            return lex_fail(lx, t->line, t->col, "expected #S\"field name\" after '#'");
        default:
            return lex_fail(lx, t->line, t->col, "unexpected character");
        }
        if (n == '=') {
            t->len = 2;
            lx->cur = p + 2;
        }
        return CRTK_OK;
    }
}
