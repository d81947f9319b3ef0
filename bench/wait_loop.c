/*
 * The C baseline of bench/monitor.ts: a native waiter woken by the same insertion as the
 * Deno monitor, so that what the monitor adds after the service's own notice is measured.
 *
 * usage: wait_loop READER
 *
 * Waits with SCardGetStatusChange (INFINITE) on READER, handing back each event state, and
 * prints one line per change the moment it returns: "present" or "empty". Exits 0 when stdin
 * closes (checked between waits, which a 1 s time-out bounds); non-zero, with the reason on
 * stderr, on any failure.
 *
 * Built by bench/c_loop.ts's builder with `cc $(pkg-config --cflags --libs libpcsclite)`.
 */

#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include <winscard.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wait_loop READER\n");
    return 2;
  }
  SCARDCONTEXT context;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &context);
  if (rv != SCARD_S_SUCCESS) {
    fprintf(stderr, "SCardEstablishContext: %s\n", pcsc_stringify_error(rv));
    return 1;
  }
  SCARD_READERSTATE state = {.szReader = argv[1], .dwCurrentState = SCARD_STATE_UNAWARE};
  /* the first call learns the current state; it is not a change */
  rv = SCardGetStatusChange(context, 0, &state, 1);
  if (rv != SCARD_S_SUCCESS) {
    fprintf(stderr, "SCardGetStatusChange: %s\n", pcsc_stringify_error(rv));
    return 1;
  }
  state.dwCurrentState = state.dwEventState;
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    struct pollfd in = {.fd = 0, .events = POLLIN};
    if (poll(&in, 1, 0) > 0) {
      char buf[64];
      if (read(0, buf, sizeof buf) <= 0) break;
    }
    rv = SCardGetStatusChange(context, 1000, &state, 1);
    if (rv == (LONG)SCARD_E_TIMEOUT) continue;
    if (rv != SCARD_S_SUCCESS) {
      fprintf(stderr, "SCardGetStatusChange: %s\n", pcsc_stringify_error(rv));
      return 1;
    }
    printf("%s\n", (state.dwEventState & SCARD_STATE_PRESENT) ? "present" : "empty");
    fflush(stdout);
    state.dwCurrentState = state.dwEventState;
  }
  SCardReleaseContext(context);
  return 0;
}
