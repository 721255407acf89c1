// liveformer-serve (also `liveformer serve`): an OpenAI-compatible HTTP
// server with continuous batching, and the live room as a service. See
// docs/serve.md.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "common/app_error.hpp"
#include "common/args.hpp"
#include "common/model.hpp"
#include "engine.hpp"
#include "http/http_server.hpp"
#include "service.hpp"

namespace {

int serve(int argc, char** argv) {
  // Signals go to the thread that waits for them, not to whichever thread
  // they would interrupt: blocked here, before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  app::Args args("liveformer serve [options]",
                 "Serves a model over HTTP: OpenAI's /v1/chat/completions, /v1/completions, /v1/embeddings and\n"
                 "/v1/models (streaming included), the live rooms (/v1/rooms/{room}/..., a dashboard at\n"
                 "/rooms/{room}), /health and /metrics. Requests share the model through continuous batching.\n"
                 "SIGTERM or SIGINT: stop accepting, finish or cancel what runs within --grace-ms, write each\n"
                 "room's report to --state-dir, exit. See docs/serve.md.",
                 {{"model", "PATH", "GGUF file or HF directory (default: the demo model)"},
                  {"host", "ADDR", "address to listen on (default 127.0.0.1: this machine only)"},
                  {"port", "N", "port (default 8080; 0: any free port, printed at start)"},
                  {"slots", "N", "requests decoded together (default 4)"},
                  {"ctx", "N", "context length of each slot (default: the model's, at most 4096)"},
                  {"threads", "N", "compute threads (default: one per core but one, which is left to HTTP and the rooms)"},
                  {"io-threads", "N", "HTTP threads (default 2)"},
                  {"max-queue", "N", "requests waiting for a slot before 429 (default 64)"},
                  {"prefix-cache-mb", "N", "MiB of evaluated prompts kept for reuse (default 256)"},
                  {"timeout-ms", "N", "a generation request is cancelled after this (default 120000)"},
                  {"max-tokens", "N", "completion length when a request names none (default 256)"},
                  {"max-body-kb", "N", "largest request body in KiB (default 4096)"},
                  {"max-rooms", "N", "live rooms at most (default 256)"},
                  {"room-queue", "N", "comments waiting for labels per room; past it the oldest are dropped (default 20000)"},
                  {"read-timeout-ms", "N", "a request must arrive whole within this (default 15000)"},
                  {"state-dir", "DIR", "write each room's report here at shutdown"},
                  {"grace-ms", "N", "shutdown: time for running requests to finish (default 10000)"},
                  {"no-access-log", "", "do not write one JSON line per request to stderr"}});
  // llama.cpp's short forms: -m MODEL, -t N.
  std::vector<std::string> expanded;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    expanded.push_back(i > 0 && a == "-m" ? "--model" : i > 0 && a == "-t" ? "--threads" : a);
  }
  std::vector<char*> av;
  for (std::string& a : expanded) av.push_back(a.data());
  if (!args.parse(static_cast<int>(av.size()), av.data(), 0, 0)) return 0;
  lf::serve::EngineOptions eo;
  eo.model_path = app::resolve_model_path(args.value("model"));
  eo.slots = static_cast<int>(args.integer("slots", 4, 1, 256));
  eo.n_ctx = static_cast<int>(args.integer("ctx", 0, 0, 1 << 20));
  // The forward pass's workers spin between ops; on a machine with few
  // cores they would take the core the I/O threads and the rooms need
  // (2 cores: 1 thread served 2.6x the tokens of 2, docs/performance.md).
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  eo.threads = static_cast<int>(args.integer("threads", std::max(1, cores - 1), 0, 1024));
  eo.max_queue = static_cast<int>(args.integer("max-queue", 64, 0, 1 << 20));
  eo.prefix_cache_bytes = args.integer("prefix-cache-mb", 256, 0, 1 << 20) << 20;
  lf::serve::ServeSettings settings;
  settings.request_timeout_ms = args.integer("timeout-ms", 120000, 1, 24ll * 3600 * 1000);
  settings.default_max_tokens = static_cast<std::int32_t>(args.integer("max-tokens", 256, 1, 1 << 20));
  settings.max_rooms = static_cast<std::size_t>(args.integer("max-rooms", 256, 1, 1 << 20));
  settings.state_dir = args.value_or("state-dir", "");
  settings.room_queue = static_cast<std::size_t>(args.integer("room-queue", 20000, 1, 1 << 24));
  const std::string host = args.value_or("host", "127.0.0.1");
  const auto port = static_cast<std::uint16_t>(args.integer("port", 8080, 0, 65535));
  const int io_threads = static_cast<int>(args.integer("io-threads", 2, 1, 64));
  const auto grace_ms = args.integer("grace-ms", 10000, 0, 3600 * 1000);
  lf::http::Limits limits;
  limits.max_body_bytes = static_cast<std::size_t>(args.integer("max-body-kb", 4096, 1, 1 << 20)) << 10;
  limits.read_timeout = std::chrono::milliseconds(args.integer("read-timeout-ms", 15000, 1, 3600 * 1000));
  const bool access_log = !args.flag("no-access-log");

  lf::serve::Engine engine(eo);
  lf::serve::Service service(engine, settings);
  lf::http::Server server(
      limits, [&](const lf::http::Request& r, lf::http::Reply reply) { service.handle(r, std::move(reply)); },
      [&](const lf::http::Request& r, lf::http::Response& refuse) { return service.upgrade(r, refuse); },
      [&](const lf::http::AccessRecord& a) {
        if (access_log) service.on_access(a);
        else service.context().metrics.count_request(lf::serve::route_name(a.path), a.status);
      });
  try {
    server.start(host, port, io_threads);
  } catch (const std::exception& e) {
    throw app::AppError("cannot listen on " + host + ":" + std::to_string(port) + ": " + e.what());
  }
  std::printf("liveformer serve: model %s, %d slots of %d tokens, listening on http://%s:%u\n",
              engine.model_id().c_str(), eo.slots, engine.n_ctx(), host.c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "liveformer serve: signal %d: draining (grace %lld ms)\n", sig, static_cast<long long>(grace_ms));
  service.begin_shutdown();
  server.stop_accepting();
  lf_scheduler_drain(engine.scheduler(), grace_ms);
  const std::size_t saved = service.save_rooms();
  // Let the last responses and stream ends reach their clients.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.stop();
  std::fprintf(stderr, "liveformer serve: stopped%s\n",
               settings.state_dir.empty() ? "" : (", " + std::to_string(saved) + " room report(s) in " + settings.state_dir).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return app::run_app("liveformer serve", serve, argc, argv); }
