/* Test peer: verifies the VOMS ACs of a proxy with the VOMS C API (libvomsapi), the
 * library behind voms-proxy-info and the VOMS-aware services. The C API header is not
 * packaged, so the few prototypes used are declared here.
 * Usage: vomscheck PROXY VOMSDIR CADIR [UNIXTIME]; prints OK or ERR <code> <message>. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct vomsdata;
extern struct vomsdata *VOMS_Init(char *voms, char *cert);
extern int VOMS_SetVerificationType(int type, struct vomsdata *vd, int *error);
extern int VOMS_SetVerificationTime(time_t t, struct vomsdata *vd, int *error);
extern int VOMS_Retrieve(X509 *cert, STACK_OF(X509) *chain, int how, struct vomsdata *vd, int *error);
extern char *VOMS_ErrorMessage(struct vomsdata *vd, int error, char *buffer, int len);

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return 2;
  STACK_OF(X509) *chain = sk_X509_new_null();
  X509 *c;
  while ((c = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) sk_X509_push(chain, c);
  fclose(f);
  if (sk_X509_num(chain) < 1) return 2;
  int err = 0;
  struct vomsdata *vd = VOMS_Init(argv[2], argv[3]);
  if (!vd) return 2;
  /* Everything but targets (VERIFY_FULL minus VERIFY_TARGET). */
  VOMS_SetVerificationType(0xffffffff & ~0x2, vd, &err);
  if (argc > 4) VOMS_SetVerificationTime((time_t)atoll(argv[4]), vd, &err);
  if (VOMS_Retrieve(sk_X509_value(chain, 0), chain, 0, vd, &err)) {
    printf("OK\n");
    return 0;
  }
  char buf[1024];
  VOMS_ErrorMessage(vd, err, buf, sizeof buf);
  printf("ERR %d %s\n", err, buf);
  return 1;
}
