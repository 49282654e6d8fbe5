#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its headers clash with Foundation's _FoundationICU on clean
   builds ("'UErrorCode' has different definitions in different modules"). We never touch the ICU
   fields, so hide them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif


/* A loader that refuses every external entity and DTD. */
static xmlParserInputPtr cxml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void cxml_install_deny_loader(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(cxml_deny_loader);
}

/* The first error of a parse: libxml2 keeps parsing after a fatal error, and its "last error" is then
   usually a consequence ("Premature end of data") rather than the cause. */
typedef struct {
    int set;
    int line;
    char message[512];
} cxml_first_error;

/* What one parse may hold, checked by wrapping libxml2's own SAX2 tree builder: the parse stops at the first
   element, attribute list, nesting or text run past a limit, before the tree grows any further. */
typedef struct {
    cxml_first_error first;
    long max_elements, max_attributes, max_depth, max_text;
    long elements, text_run;
    int exceeded; /* 0 none, 1 elements, 2 attributes, 3 depth, 4 text */
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    charactersSAXFunc characters;
    charactersSAXFunc cdata;
    ignorableWhitespaceSAXFunc blanks;
} cxml_state;

static void cxml_capture_first_error(void *ctx, xmlErrorPtr err) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    if (c == NULL || err == NULL) return;
    cxml_state *state = (cxml_state *)c->_private;
    if (state == NULL || state->first.set) return;
    state->first.set = 1;
    state->first.line = err->line;
    snprintf(state->first.message, sizeof state->first.message, "%s", err->message ? err->message : "");
}

static void cxml_exceed(xmlParserCtxtPtr c, cxml_state *state, int why) {
    state->exceeded = why;
    xmlStopParser(c);
}

static void cxml_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
                       const xmlChar **namespaces, int nb_attributes, int nb_defaulted, const xmlChar **attributes) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    cxml_state *state = (cxml_state *)c->_private;
    state->text_run = 0;
    if (++state->elements > state->max_elements) { cxml_exceed(c, state, 1); return; }
    if (nb_attributes > state->max_attributes) { cxml_exceed(c, state, 2); return; }
    if (c->nameNr + 1 > state->max_depth) { cxml_exceed(c, state, 3); return; }
    state->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
}

static void cxml_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    cxml_state *state = (cxml_state *)c->_private;
    state->text_run = 0;
    state->end(ctx, localname, prefix, uri);
}

static void cxml_text(xmlParserCtxtPtr c, cxml_state *state, charactersSAXFunc next, const xmlChar *ch, int len) {
    state->text_run += len;
    if (state->text_run > state->max_text) { cxml_exceed(c, state, 4); return; }
    if (next) next(c, ch, len);
}

static void cxml_characters(void *ctx, const xmlChar *ch, int len) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    cxml_state *state = (cxml_state *)c->_private;
    cxml_text(c, state, state->characters, ch, len);
}

static void cxml_blanks(void *ctx, const xmlChar *ch, int len) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    cxml_state *state = (cxml_state *)c->_private;
    cxml_text(c, state, state->blanks, ch, len);
}

static void cxml_cdata(void *ctx, const xmlChar *ch, int len) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    cxml_state *state = (cxml_state *)c->_private;
    cxml_text(c, state, state->cdata, ch, len);
}

/* Tracks the first error and installs the limits on a fresh parser context. */
static inline void cxml_track(xmlParserCtxtPtr c, cxml_state *state) {
    c->_private = state;
    c->userData = c;
    c->sax->serror = cxml_capture_first_error;
    state->start = c->sax->startElementNs;
    state->end = c->sax->endElementNs;
    state->characters = c->sax->characters;
    state->cdata = c->sax->cdataBlock;
    state->blanks = c->sax->ignorableWhitespace;
    c->sax->startElementNs = cxml_start;
    c->sax->endElementNs = cxml_end;
    c->sax->characters = cxml_characters;
    c->sax->cdataBlock = cxml_cdata;
    c->sax->ignorableWhitespace = cxml_blanks;
}

/* Returns glibc's free memory at the top of the heap and in its arenas to the system. */
static inline void cxml_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
#endif
