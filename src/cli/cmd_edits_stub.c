/* cmd_edits_stub.c - used only while cmd_edits_eval.c is absent. */
#include "cli.h"

int cmd_edits_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("edits eval is not built");
    return EXIT_TROUBLE;
}
