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

static void cxml_capture_first_error(void *ctx, xmlErrorPtr err) {
    xmlParserCtxtPtr c = (xmlParserCtxtPtr)ctx;
    if (c == NULL || err == NULL) return;
    cxml_first_error *first = (cxml_first_error *)c->_private;
    if (first == NULL || first->set) return;
    first->set = 1;
    first->line = err->line;
    snprintf(first->message, sizeof first->message, "%s", err->message ? err->message : "");
}

static inline void cxml_track_first_error(xmlParserCtxtPtr c, cxml_first_error *first) {
    c->_private = first;
    c->userData = c;
    c->sax->serror = cxml_capture_first_error;
}
#endif
