/*
 * The C baseline of bench/transmit.ts: the cost of one SCardTransmit with
 * nothing around it.
 *
 * usage: transmit_loop READER
 *
 * Connects to READER (shared, T=1) once, then serves requests read from
 * stdin, one a line: `COUNT WARMUP APDU_HEX EXPECTED_LENGTH`. For each it
 * sends the APDU WARMUP times untimed, then COUNT times timed, and answers one
 * line on stdout: the microseconds per APDU. One long-lived process, like the
 * Deno side's one connection, so that process start-up and a cold pcscd
 * client thread are not charged to C. Every response must be
 * EXPECTED_LENGTH bytes ending in 90 00, so that a broken card cannot pass
 * for a fast one. Exits 0 at the end of stdin; non-zero, with the reason on
 * stderr, on any failure.
 *
 * Built by bench/c_loop.ts with `cc $(pkg-config --cflags --libs libpcsclite)`.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

/* The receive buffer the Deno library hands to SCardTransmit, so that both
 * sides ask pcscd for the same thing. */
#define RECEIVE_CAPACITY (4 + 3 + (1 << 16) + 3 + 2)

static int fail(const char *what, LONG rv) {
  fprintf(stderr, "%s: %s (0x%08lX)\n", what, pcsc_stringify_error(rv), (unsigned long)rv);
  return 1;
}

static int parse_hex(const char *hex, BYTE *out, size_t capacity, size_t *length) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > capacity) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
    out[i] = (BYTE)byte;
  }
  *length = n / 2;
  return 0;
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* One exchange, checked; returns 0 when the response is what was expected. */
static int exchange(SCARDHANDLE card, const BYTE *command, DWORD length, BYTE *receive,
                    DWORD expected) {
  DWORD received = RECEIVE_CAPACITY;
  LONG rv = SCardTransmit(card, SCARD_PCI_T1, command, length, NULL, receive, &received);
  if (rv != SCARD_S_SUCCESS) return fail("SCardTransmit", rv);
  if (received != expected || receive[received - 2] != 0x90 || receive[received - 1] != 0x00) {
    fprintf(stderr, "unexpected response: %lu bytes, expected %lu ending in 90 00\n",
            (unsigned long)received, (unsigned long)expected);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s READER < requests\n", argv[0]);
    return 2;
  }
  BYTE *receive = malloc(RECEIVE_CAPACITY);
  if (receive == NULL) return 1;

  SCARDCONTEXT context;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context);
  if (rv != SCARD_S_SUCCESS) return fail("SCardEstablishContext", rv);
  SCARDHANDLE card;
  DWORD protocol;
  rv = SCardConnect(context, argv[1], SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card, &protocol);
  if (rv != SCARD_S_SUCCESS) return fail("SCardConnect", rv);

  int status = 0;
  char line[1100];
  while (status == 0 && fgets(line, sizeof line, stdin) != NULL) {
    long count, warmup;
    unsigned long expected;
    char hex[1025];
    BYTE command[512];
    size_t length;
    if (sscanf(line, "%ld %ld %1024s %lu", &count, &warmup, hex, &expected) != 4 || count <= 0 ||
        warmup < 0 || expected < 2 || parse_hex(hex, command, sizeof command, &length) != 0) {
      fprintf(stderr, "bad request: %s", line);
      status = 2;
      break;
    }
    for (long i = 0; i < warmup && status == 0; i++) {
      status = exchange(card, command, (DWORD)length, receive, (DWORD)expected);
    }
    double start = now_us();
    for (long i = 0; i < count && status == 0; i++) {
      status = exchange(card, command, (DWORD)length, receive, (DWORD)expected);
    }
    double elapsed = now_us() - start;
    if (status == 0) {
      printf("%.3f\n", elapsed / (double)count);
      fflush(stdout);
    }
  }

  SCardDisconnect(card, SCARD_LEAVE_CARD);
  SCardReleaseContext(context);
  free(receive);
  return status;
}
