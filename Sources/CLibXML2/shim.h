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

/* xmlFree is a C global variable; Swift 6 rejects touching it directly. */
static inline void cxml_free(void *p) { xmlFree(p); }

/* A loader that refuses every external entity and DTD. */
static xmlParserInputPtr cxml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void cxml_install_deny_loader(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(cxml_deny_loader);
}
#endif
