/* cli.h - what the crtk commands share: option helpers, layout loading, findings output,
 * progress display and exit codes (0 ok, 1 invalid input / failed edits, 2 trouble). */
#ifndef CRTK_CLI_H
#define CRTK_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "crtk/crtk.h"

#define EXIT_OK      0
#define EXIT_INVALID 1
#define EXIT_TROUBLE 2

typedef struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *f);
    const char *summary;
} cli_cmd;

/* Layout/dictionary files given with --layout / --dictionary (repeatable). */
typedef struct cli_layout_opts {
    const char *layouts[16];
    int nlayouts;
    const char *dicts[16];
    int ndicts;
    const crtk_layout *user_layout; /* set by cli_load_layouts: the last --layout */
} cli_layout_opts;

extern const char *cli_prog; /* "crtk validate" etc., for messages */

/* Print "crtk CMD: message" to stderr. */
void cli_error(const char *fmt, ...) CRTK_PRINTF(1, 2);
/* Print a library error as "crtk CMD: source:line:col: item: message". */
void cli_print_error(const crtk_error *err);
/* Exit code for a library status: content problems 1, the rest 2. */
int cli_exit_for(int status);
/* Add a --layout/--dictionary value; returns false (after an error message) when full. */
bool cli_add_layout(cli_layout_opts *o, bool dictionary, const char *path);
/* Create the registry and load the user's layout and dictionary files. */
int cli_load_layouts(crtk_layouts **out, cli_layout_opts *o);
/* The reading options every command shares: -l/--layout, -d/--dictionary, -V/--version,
 * -e/--encoding (getopt codes 'l', 'd', 'V', 'e'). Returns 1 when c was one of them,
 * 0 when not, -1 after printing an error. */
int cli_reader_option(int c, const char *arg, cli_layout_opts *lo, crtk_reader_opts *ro);
/* Output format from a file name (.xml .csv .txt .dat .flat, each optionally .gz);
 * CRTK_FORMAT_AUTO when the name does not say. *gz tells whether it ends in .gz. */
crtk_format cli_output_format(const char *path, bool *gz);
/* A numeric option's value: digits only, from min to max (no overflow, no trailing junk).
 * Prints "crtk CMD: NAME: 'ARG' is not a whole number from MIN to MAX" and returns false
 * otherwise (the caller exits 2). */
bool cli_number(const char *name, const char *arg, long min, long max, long *out);
/* A file mode option (--mode): octal, 1 to 0777. Prints an error and returns false otherwise. */
bool cli_mode(const char *name, const char *arg, unsigned *out);
/* Resolve a user's version argument ("18", "250") to a 3-digit version, 0 if invalid. */
int cli_version(const char *s);
/* The shipped edits: the installed copy when there is one, else the source tree's. */
const char *cli_shipped_edits_dir(void);
/* "; did you mean A, B or C?" on stderr (nothing when n is 0). */
void cli_print_suggestions(const char **names, size_t n);
/* A real calendar date written YYYYMMDD (for --today). */
bool cli_valid_date(const char *s);
/* Parse a record type argument. */
char cli_record_type(const char *s);

/* Progress on stderr, only when it is a terminal. */
typedef struct cli_progress {
    bool on;
    long long total; /* bytes, 0 when unknown */
    long long last_shown;
    const char *label;
} cli_progress;
void cli_progress_start(cli_progress *p, const char *label, const char *path, bool quiet);
void cli_progress_update(cli_progress *p, long long bytes, long patients);
void cli_progress_end(cli_progress *p);

/* SIGINT/SIGTERM/SIGHUP/SIGQUIT set a flag instead of killing the process, so a command can
 * stop between patients and remove its temporary output (no partial file is ever left).
 * Also ignores SIGPIPE and SIGXFSZ (cli_ignore_write_signals). */
void cli_catch_signals(void);
/* Ignore SIGPIPE and SIGXFSZ: a closed pipe or a file-size limit becomes a write error
 * (EPIPE, EFBIG) that is reported, and the normal clean-up runs. */
void cli_ignore_write_signals(void);
/* Before any input is read: refuse OUT when crtk_output_check does (a directory, a symlink
 * under --no-follow, the same file as one of inputs). Prints the error, returns false. */
bool cli_output_ok(const char *out, char *const *inputs, int ninputs, bool no_follow);
/* Write buf to path through crtk/output.h (mode 0 = 0600). Prints any error naming the
 * file; returns an exit code (EXIT_OK or EXIT_TROUBLE). */
int cli_write_file(const char *path, const void *buf, size_t n, unsigned mode, bool no_follow);
bool cli_interrupted(void);
int cmd_layouts(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_edits(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
void usage_layouts(FILE *f);
void usage_validate(FILE *f);
void usage_convert(FILE *f);
void usage_show(FILE *f);
void usage_generate(FILE *f);
void usage_edits(FILE *f);
void usage_check(FILE *f);
void usage_export(FILE *f);

#endif
