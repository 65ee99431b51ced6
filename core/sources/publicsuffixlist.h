#pragma once

#include "common/result.h"

#include <QString>

#include <memory>

struct psl_ctx_st;

namespace Dmarc {

// A domain name as the sources module compares them: trimmed, lower case, a trailing dot
// dropped; "" for what is no domain name (white space, '@', '*', '/', ':', an empty label).
QString normalizedDomainName(const QString &domain);

// The Public Suffix List (libpsl), for the registrable domain of a name (docs/counting.md
// section 10.2): "o1.ptr123.sendgrid.net" -> "sendgrid.net", "mail.example.co.uk" ->
// "example.co.uk". The list is read from the file the `publicsuffix` package installs, so it is
// as new as that package; libpsl's built-in copy is not used, as it may be older than the
// file and is not there at all in some builds. Loaded once, then read-only: one instance may be
// shared by threads.
class PublicSuffixList
{
public:
    static constexpr const char *kDefaultPath = "/usr/share/publicsuffix/public_suffix_list.dafsa";

    // `path` in libpsl's DAFSA form or the list's text form; an error naming the file (and the
    // package that brings it) when it cannot be read.
    static Result<std::shared_ptr<const PublicSuffixList>> load(const QString &path);
    // The list at kDefaultPath, read on the first call and shared by every later caller of the
    // process (the naming of sources, each reload's naming, the Sources view), so that it is
    // held once; the error of that first read is every caller's.
    static Result<std::shared_ptr<const PublicSuffixList>> system();

    ~PublicSuffixList();
    PublicSuffixList(const PublicSuffixList &) = delete;
    PublicSuffixList &operator=(const PublicSuffixList &) = delete;

    // The registrable domain of `domain` (trimmed, lower-cased, a trailing dot dropped); "" when
    // it has none: a public suffix itself ("co.uk"), an IP address, empty or not a name.
    QString registrableDomain(const QString &domain) const;

private:
    explicit PublicSuffixList(psl_ctx_st *context)
        : m_context(context)
    {}

    psl_ctx_st *m_context;
};

} // namespace Dmarc
