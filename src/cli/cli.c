/* cli.c - helpers shared by the crtk commands. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_prog = "crtk";

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_print_error(const crtk_error *err)
{
    fprintf(stderr, "%s: ", cli_prog);
    if (err->source[0]) {
        fprintf(stderr, "%s:", err->source);
        if (err->line)
            fprintf(stderr, "%ld:", err->line);
        if (err->line && err->column)
            fprintf(stderr, "%ld:", err->column);
        fputc(' ', stderr);
    }
    if (err->item[0])
        fprintf(stderr, "%s: ", err->item);
    fprintf(stderr, "%s\n", err->message[0] ? err->message : crtk_status_str(err->code));
}

int cli_exit_for(int status)
{
    switch (status) {
    case CRTK_OK:
        return EXIT_OK;
    case CRTK_EPARSE:
    case CRTK_EINVALID:
    case CRTK_EENCODING:
    case CRTK_EUNSUPPORTED:
    case CRTK_ELIMIT:
        return EXIT_INVALID;
    default:
        return EXIT_TROUBLE;
    }
}

bool cli_add_layout(cli_layout_opts *o, bool dictionary, const char *path)
{
    if (dictionary) {
        if (o->ndicts == 16) {
            cli_error("at most 16 --dictionary files");
            return false;
        }
        o->dicts[o->ndicts++] = path;
    } else {
        if (o->nlayouts == 16) {
            cli_error("at most 16 --layout files");
            return false;
        }
        o->layouts[o->nlayouts++] = path;
    }
    return true;
}

int cli_load_layouts(crtk_layouts **out, cli_layout_opts *o)
{
    crtk_error err = CRTK_ERROR_INIT;
    int i, rc;

    rc = crtk_layouts_new(out, &err);
    if (rc < 0) {
        cli_print_error(&err);
        return rc;
    }
    for (i = 0; o && i < o->nlayouts; i++) {
        rc = crtk_layouts_add_file(*out, o->layouts[i], &o->user_layout, &err);
        if (rc < 0) {
            cli_print_error(&err);
            crtk_layouts_free(*out);
            *out = NULL;
            return rc;
        }
    }
    for (i = 0; o && i < o->ndicts; i++) {
        rc = crtk_layouts_add_dictionary(*out, o->dicts[i], NULL, &err);
        if (rc < 0) {
            cli_print_error(&err);
            crtk_layouts_free(*out);
            *out = NULL;
            return rc;
        }
    }
    return CRTK_OK;
}

int cli_version(const char *s)
{
    return crtk_version_normalize(s);
}

char cli_record_type(const char *s)
{
    if (s && s[0] && !s[1] && crtk_rectype_bit(s[0]))
        return s[0];
    if (s && s[0] && !s[1] && crtk_rectype_bit((char)(s[0] - 32)))
        return (char)(s[0] - 32);
    return 0;
}

void cli_progress_start(cli_progress *p, const char *label, const char *path, bool quiet)
{
    struct stat st;

    memset(p, 0, sizeof *p);
    p->label = label;
    p->on = !quiet && isatty(2);
    if (p->on && path && strcmp(path, "-") && stat(path, &st) == 0)
        p->total = st.st_size;
}

void cli_progress_update(cli_progress *p, long long bytes, long patients)
{
    if (!p->on || bytes - p->last_shown < (4 << 20))
        return;
    p->last_shown = bytes;
    if (p->total > 0)
        fprintf(stderr, "\r%s: %3d%% (%ld patients)", p->label,
                (int)(bytes * 100 / (p->total ? p->total : 1)), patients);
    else
        fprintf(stderr, "\r%s: %lld MB (%ld patients)", p->label, bytes >> 20, patients);
}

void cli_progress_end(cli_progress *p)
{
    if (p->on && p->last_shown)
        fprintf(stderr, "\r\033[K");
}

int cli_reader_option(int c, const char *arg, cli_layout_opts *lo, crtk_reader_opts *ro)
{
    switch (c) {
    case 'l':
    case 'd':
        return cli_add_layout(lo, c == 'd', arg) ? 1 : -1;
    case 'V':
        ro->naaccr_version = cli_version(arg);
        if (!ro->naaccr_version) {
            cli_error("--version: '%s' is not a NAACCR version (such as 18, 180, 25, 250)", arg);
            return -1;
        }
        return 1;
    case 'e':
        ro->encoding = arg;
        return 1;
    default:
        return 0;
    }
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && !memcmp(s + n - k, suffix, k);
}

crtk_format cli_output_format(const char *path, bool *gz)
{
    size_t n = strlen(path);

    *gz = ends_with(path, n, ".gz");
    if (*gz)
        n -= 3;
    if (ends_with(path, n, ".xml"))
        return CRTK_FORMAT_XML;
    if (ends_with(path, n, ".csv"))
        return CRTK_FORMAT_CSV;
    if (ends_with(path, n, ".txt") || ends_with(path, n, ".dat") || ends_with(path, n, ".flat"))
        return CRTK_FORMAT_FLAT;
    return CRTK_FORMAT_AUTO;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

void cli_ignore_write_signals(void)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
}

void cli_catch_signals(void)
{
    struct sigaction sa;

    cli_ignore_write_signals();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
}

bool cli_interrupted(void)
{
    return interrupted != 0;
}

bool cli_valid_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (strlen(s) != 8 || strspn(s, "0123456789") != 8)
        return false;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[4] - '0') * 10 + (s[5] - '0');
    d = (s[6] - '0') * 10 + (s[7] - '0');
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

bool cli_output_ok(const char *out, char *const *inputs, int ninputs, bool no_follow)
{
    crtk_error err = CRTK_ERROR_INIT;

    if (crtk_output_check(out, (const char *const *)inputs, ninputs > 0 ? (size_t)ninputs : 0,
                          no_follow ? CRTK_OUTPUT_NO_FOLLOW : 0, NULL, &err) < 0) {
        cli_print_error(&err);
        return false;
    }
    return true;
}

#ifndef CRTK_EDITS_DIR
#define CRTK_EDITS_DIR "edits"
#endif
#ifndef CRTK_INSTALLED_EDITS_DIR
#define CRTK_INSTALLED_EDITS_DIR "/usr/local/share/crtk/edits"
#endif

const char *cli_shipped_edits_dir(void)
{
    struct stat st;
    return stat(CRTK_INSTALLED_EDITS_DIR, &st) == 0 && S_ISDIR(st.st_mode)
               ? CRTK_INSTALLED_EDITS_DIR
               : CRTK_EDITS_DIR;
}

void cli_print_suggestions(const char **names, size_t n)
{
    size_t i;

    if (!n)
        return;
    fputs("; did you mean ", stderr);
    for (i = 0; i < n; i++)
        fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    fputc('?', stderr);
}

int cli_write_file(const char *path, const void *buf, size_t n, unsigned mode, bool no_follow)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_output *o = NULL;
    int rc;

    cli_ignore_write_signals();
    rc = crtk_output_open(&o, path, mode, no_follow ? CRTK_OUTPUT_NO_FOLLOW : 0, &err);
    if (rc < 0) {
        cli_print_error(&err);
        return EXIT_TROUBLE;
    }
    rc = crtk_output_write(o, buf, n);
    if (rc == CRTK_OK)
        rc = crtk_output_close(o);
    if (rc < 0)
        cli_print_error(crtk_output_error(o));
    crtk_output_free(o);
    return rc < 0 ? EXIT_TROUBLE : EXIT_OK;
}

bool cli_number(const char *name, const char *arg, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = arg ? strtol(arg, &end, 10) : 0;
    /* strtol accepts leading blanks and a sign; a number is digits only (a '-' for min < 0). */
    if (!arg || !*arg || (arg[0] != '-' && (arg[0] < '0' || arg[0] > '9')) || *end ||
        errno == ERANGE || v < min || v > max) {
        if (max == LONG_MAX)
            cli_error("%s: '%s' is not a whole number (%ld or more)", name, arg ? arg : "", min);
        else
            cli_error("%s: '%s' is not a whole number from %ld to %ld", name, arg ? arg : "", min,
                      max);
        return false;
    }
    *out = v;
    return true;
}

bool cli_mode(const char *name, const char *arg, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = arg && *arg >= '0' && *arg <= '7' ? strtoul(arg, &end, 8) : 0;
    if (!arg || *arg < '0' || *arg > '7' || *end || errno == ERANGE || v == 0 || v > 0777) {
        cli_error("%s: '%s' is not an octal file mode such as 0600 or 0640", name, arg ? arg : "");
        return false;
    }
    *out = (unsigned)v;
    return true;
}
