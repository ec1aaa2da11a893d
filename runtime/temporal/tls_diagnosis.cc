#include "runtime/temporal/tls_diagnosis.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <vector>

namespace weft::temporal {
namespace {

struct Free {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
  void operator()(SSL* ssl) const { SSL_free(ssl); }
  void operator()(X509* certificate) const { X509_free(certificate); }
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// host and port of "host:port", "dns:///host:port" or "[v6]:port"; nullopt if unparsable.
std::optional<std::pair<std::string, std::string>> HostAndPort(std::string address) {
  if (address.starts_with("dns:///")) address = address.substr(7);
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::pair{host, address.substr(colon + 1)};
}

// A TCP connection with send and receive timeouts; -1 if none can be made.
int Connect(const std::string& host, const std::string& port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  timeval limit{.tv_sec = static_cast<time_t>(timeout.count() / 1000),
                .tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  for (addrinfo* at = found; at != nullptr; at = at->ai_next) {
    const int fd = ::socket(at->ai_family, at->ai_socktype, at->ai_protocol);
    if (fd < 0) continue;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (::connect(fd, at->ai_addr, at->ai_addrlen) == 0) return fd;
    ::close(fd);
  }
  return -1;
}

std::string TimeText(const ASN1_TIME* time) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(bio.get(), time);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string NameText(const X509_NAME* name) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// The DNS names and IP addresses a certificate is for.
std::string SubjectNames(X509* certificate) {
  std::unique_ptr<GENERAL_NAMES, Free> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  std::string text;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const auto* dns = name->d.dNSName;
    if (!text.empty()) text += ", ";
    text += std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                        static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  return text.empty() ? NameText(X509_get_subject_name(certificate)) : text;
}

// Why the server's certificate failed verification, from OpenSSL's verdict and the certificate.
std::string CertificateProblem(long verdict, X509* certificate, const ConnectionOptions& options,
                               const std::string& name) {
  const std::string trusted = options.tls && !options.tls->server_ca_file.empty()
                                  ? "the CA in " + options.tls->server_ca_file + " (--tls-ca-path)"
                                  : "the system's CAs (--tls-ca-path names another)";
  switch (verdict) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the server's certificate expired on " + TimeText(X509_get0_notAfter(certificate)) +
             "; the server needs a new one";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the server's certificate is not valid before " +
             TimeText(X509_get0_notBefore(certificate)) + " (check the clocks)";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the server's certificate is for " + SubjectNames(certificate) + ", not " + name +
             " (--tls-server-name sets the name to check)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "the server's certificate (issued by " + NameText(X509_get_issuer_name(certificate)) +
             ") is not signed by " + trusted;
    default:
      return std::string("the server's certificate was refused: ") +
             X509_verify_cert_error_string(verdict) + " (trusted: " + trusted + ")";
  }
}

// The name sent as SNI (SSL_set_tlsext_host_name, without its macro's C cast).
void SetServerName(SSL* ssl, const std::string& name) {
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(name.c_str()));
}

// Whether the server answers a TLS ClientHello at all (no verification).
bool SpeaksTls(const std::string& host, const std::string& port,
               std::chrono::milliseconds timeout) {
  Socket socket(Connect(host, port, timeout));
  if (socket.fd() < 0) return false;
  std::unique_ptr<SSL_CTX, Free> context(SSL_CTX_new(TLS_client_method()));
  std::unique_ptr<SSL, Free> ssl(SSL_new(context.get()));
  SSL_set_fd(ssl.get(), socket.fd());
  SetServerName(ssl.get(), host);
  const bool answered = SSL_connect(ssl.get()) == 1;
  ERR_clear_error();
  return answered;
}

}  // namespace

std::optional<std::string> DiagnoseTls(const ConnectionOptions& options,
                                       std::chrono::milliseconds timeout) {
  const auto endpoint = HostAndPort(options.address);
  if (!endpoint) return std::nullopt;
  const auto& [host, port] = *endpoint;
  const bool tls = options.tls.has_value() || !options.api_key.empty();
  if (!tls) {
    if (!SpeaksTls(host, port, timeout)) return std::nullopt;
    return "the server at " + options.address +
           " speaks TLS; connect with --tls (and --tls-ca-path if no system CA signed its "
           "certificate)";
  }

  std::unique_ptr<SSL_CTX, Free> context(SSL_CTX_new(TLS_client_method()));
  const TlsOptions none;
  const TlsOptions& settings = options.tls ? *options.tls : none;
  if (!settings.server_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(context.get(), settings.server_ca_file.c_str(), nullptr) !=
        1) {
      ERR_clear_error();
      return "the server CA file " + settings.server_ca_file +
             " (--tls-ca-path) holds no PEM certificate";
    }
  } else {
    SSL_CTX_set_default_verify_paths(context.get());
  }
  if (!settings.client_cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(context.get(), settings.client_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context.get(), settings.client_key_file.c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(context.get()) != 1) {
      ERR_clear_error();
      return "the client certificate " + settings.client_cert_file +
             " (--tls-cert-path) and the key " + settings.client_key_file +
             " (--tls-key-path) are not a PEM certificate and its private key";
    }
  }
  // What the handshake saw, filled in by OpenSSL's callbacks.
  struct Seen {
    long verdict = X509_V_OK;                 // the first verification error
    std::unique_ptr<X509, Free> certificate;  // the certificate it was about
    bool certificate_requested = false;       // the server asked for a client certificate
  } seen;
  static const int seen_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  // Asked for a certificate only when the server requests one and none is configured.
  SSL_CTX_set_client_cert_cb(context.get(), [](SSL* ssl, X509**, EVP_PKEY**) {
    static_cast<Seen*>(SSL_get_ex_data(ssl, seen_index))->certificate_requested = true;
    return 0;
  });
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(context.get(), kAlpn, sizeof kAlpn);

  Socket socket(Connect(host, port, timeout));
  if (socket.fd() < 0) return std::nullopt;
  std::unique_ptr<SSL, Free> ssl(SSL_new(context.get()));
  SSL_set_ex_data(ssl.get(), seen_index, &seen);
  SSL_set_fd(ssl.get(), socket.fd());
  const std::string name = settings.server_name.empty() ? host : settings.server_name;
  SetServerName(ssl.get(), name);
  SSL_set1_host(ssl.get(), name.c_str());
  // Every verification error is recorded, with its certificate, and let pass, so that the
  // handshake goes on to what the server thinks of the client.
  SSL_set_verify(ssl.get(), SSL_VERIFY_PEER, [](int ok, X509_STORE_CTX* store) {
    if (ok == 1) return 1;
    auto* peer =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* record = static_cast<Seen*>(SSL_get_ex_data(peer, seen_index));
    if (record->verdict == X509_V_OK) {
      record->verdict = X509_STORE_CTX_get_error(store);
      if (X509* certificate = X509_STORE_CTX_get_current_cert(store)) {
        X509_up_ref(certificate);
        record->certificate.reset(certificate);
      }
    }
    return 1;
  });

  const bool handshake = SSL_connect(ssl.get()) == 1;
  // TLS 1.3 servers judge the client's certificate after the handshake: read once to hear it.
  if (handshake) {
    char byte;
    SSL_write(ssl.get(), "", 0);
    SSL_peek(ssl.get(), &byte, 1);
  }
  const unsigned long error = ERR_peek_last_error();
  const std::string reason =
      error != 0 && ERR_reason_error_string(error) ? ERR_reason_error_string(error) : "";
  ERR_clear_error();
  const bool certificate_requested = seen.certificate_requested;
  const std::string where = "TLS with the server at " + options.address + ": ";
  if (seen.verdict != X509_V_OK && seen.certificate) {
    return where + CertificateProblem(seen.verdict, seen.certificate.get(), options, name);
  }
  if (!handshake) {
    if (certificate_requested || reason.find("certificate required") != std::string::npos) {
      return where +
             "the server requires a client certificate (--tls-cert-path and --tls-key-path)";
    }
    if (reason.find("wrong version number") != std::string::npos ||
        reason.find("packet length too long") != std::string::npos) {
      return where + "the server does not speak TLS; leave out --tls and the --tls-* flags";
    }
    return where + "the handshake failed" + (reason.empty() ? "" : ": " + reason);
  }
  if (certificate_requested && settings.client_cert_file.empty()) {
    return where +
           "the server asks for a client certificate and none was given (--tls-cert-path and "
           "--tls-key-path)";
  }
  if (reason.find("certificate") != std::string::npos) {
    return where + "the server refused the client certificate " + settings.client_cert_file + " (" +
           reason + ")";
  }
  return std::nullopt;
}

}  // namespace weft::temporal
