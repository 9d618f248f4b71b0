/* sax_floor.c - the parse floor for bench/run: libxml2's SAX2 push parser on a file, in
 * 64 KiB chunks (as crtk's reader feeds it), with empty handlers. Prints the elements seen.
 *   cc -O2 bench/sax_floor.c $(xml2-config --cflags --libs) -o sax_floor */
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static long elements;

static void on_start(void *ctx,
                     const xmlChar *localname,
                     const xmlChar *prefix,
                     const xmlChar *uri,
                     int nb_ns,
                     const xmlChar **nss,
                     int nb_attrs,
                     int nb_defaulted,
                     const xmlChar **attrs)
{
    (void)ctx, (void)localname, (void)prefix, (void)uri, (void)nb_ns, (void)nss;
    (void)nb_attrs, (void)nb_defaulted, (void)attrs;
    elements++;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    (void)ctx, (void)localname, (void)prefix, (void)uri;
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    (void)ctx, (void)ch, (void)len;
}

int main(int argc, char **argv)
{
    static char buf[64 << 10];
    xmlSAXHandler sax;
    xmlParserCtxtPtr c;
    FILE *f;
    size_t n;
    int ok;

    if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: sax_floor FILE.xml\n");
        return 2;
    }
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    c = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, argv[1]);
    xmlCtxtUseOptions(c, XML_PARSE_NONET);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        xmlParseChunk(c, buf, (int)n, 0);
    xmlParseChunk(c, NULL, 0, 1);
    ok = c->wellFormed;
    xmlFreeParserCtxt(c);
    fclose(f);
    printf("%ld elements%s\n", elements, ok ? "" : " (not well-formed)");
    return ok ? 0 : 1;
}
