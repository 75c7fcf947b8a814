// Composition root: reads the configuration, picks the adapters, wires the use cases to
// the transport, runs, and shuts down in order. The only file that knows which adapters
// exist.
#include "adapters/embedded/alive_mark.hpp"
#include "adapters/embedded/asio_scheduler.hpp"
#include "adapters/embedded/clock_and_ids.hpp"
#include "adapters/embedded/disk_audio_store.hpp"
#include "adapters/embedded/disk_room.hpp"
#include "adapters/embedded/jsonl_event_inbox.hpp"
#include "adapters/embedded/jsonl_event_sink.hpp"
#include "adapters/embedded/memory_match_queue.hpp"
#include "adapters/embedded/sqlite_conversation_store.hpp"
#include "adapters/embedded/sqlite_database.hpp"
#include "adapters/embedded/sqlite_topic_store.hpp"
#include "app/conversation_service.hpp"
#include "auth/dev_tokens.hpp"
#include "auth/jwt_verifier.hpp"
#include "common/blocking_pool.hpp"
#include "config/config.hpp"
#include "domain/platform_event.hpp"
#include "domain/validation.hpp"
#include "main/configured_directories.hpp"
#include "main/data_dir_lock.hpp"
#include "main/dev_secret.hpp"
#include "main/io_threads.hpp"
#include "main/open_files.hpp"
#include "main/service_metrics.hpp"
#include "observability/logging.hpp"
#include "observability/metrics.hpp"
#include "transport/http_server.hpp"
#include "transport/static_files.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <iostream>
#include <thread>

#include <sys/stat.h>

namespace {

namespace asio = boost::asio;
using namespace conv;

int mint_token(const std::string& user, bool admin, int hours) {
  auto environment = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v && *v ? std::optional<std::string>(v) : std::nullopt;
  };
  auto settings = config::load([&](const std::string& name) {
    // With no way to verify tokens configured, minting is for a development server: it
    // signs with the data directory's dev secret, as that server will.
    if (name == "CONV_DEV_AUTH" && !environment(name) && !environment("CONV_JWT_SECRET") &&
        !environment("CONV_JWT_JWKS_URL"))
      return std::optional<std::string>("true");
    return environment(name);
  });
  if (!settings.jwt_secret && !settings.dev_auth) {
    // The dev secret would sign a token that a server with this configuration refuses.
    std::cerr << "mint-token: a server with this configuration verifies tokens with "
              << (settings.jwt_jwks_url ? "the keys of CONV_JWT_JWKS_URL" : "no secret")
              << " and not the dev secret (CONV_DEV_AUTH is not true): set CONV_JWT_SECRET to sign "
                 "with the server's secret, or CONV_DEV_AUTH=true\n";
    return 2;
  }
  if (!domain::is_safe_id(user)) {
    std::cerr << "--user: expected letters, digits and -_.@:| (at most 128)\n";
    return 2;
  }
  prepare_data_dir(settings.data_dir);
  const auth::dev_token_minter minter(
      settings.jwt_secret ? *settings.jwt_secret : load_or_create_dev_secret(settings.data_dir),
      settings.jwt_issuer, settings.jwt_audience);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::vector<std::string> roles;
  if (admin) roles.emplace_back("admin");
  std::cout << minter.mint(user, roles, now, std::chrono::hours(hours)) << "\n";
  return 0;
}

void refuse_unavailable_adapters(const config::settings& s) {
  // The distributed adapters arrive in their own issues; until then a variable that asks
  // for one must not be silently ignored.
  auto refuse = [](const char* variable, const char* what) {
    throw config::config_error(std::string(variable) + ": expected unset: the " + what +
                               " adapter is not part of this build yet");
  };
  if (s.redis_url) refuse("CONV_REDIS_URL", "Redis");
  if (s.mongo_uri) refuse("CONV_MONGO_URI", "MongoDB");
  if (s.kafka_brokers) refuse("CONV_KAFKA_BROKERS", "Kafka");
  if (s.s3_endpoint) refuse("CONV_S3_ENDPOINT", "S3");
}

int serve() {
  config::settings settings;
  std::optional<data_dir_lock> lock;
  try {
    settings = config::load_from_environment();
    refuse_unavailable_adapters(settings);
    prepare_data_dir(settings.data_dir);
    lock.emplace(settings.data_dir);
    check_web_root(settings.web_root);
  } catch (const config::config_error& e) {
    std::cerr << "conversation-service: configuration error: " << e.what() << "\n";
    return 2;
  }
  observability::configure_logging(settings.log_level);
  auto log = observability::module_logger("main");
  const auto open_files = raise_open_file_limit();
  const auto connections_allowed =
      open_files > reserved_file_descriptors ? open_files - reserved_file_descriptors : 1;
  if (settings.max_connections > connections_allowed) {
    // Only a cap the operator chose is worth a warning; the default simply fits the machine.
    const bool chosen = settings.max_connections != config::settings{}.max_connections;
    log->log(chosen ? spdlog::level::warn : spdlog::level::info,
             "CONV_MAX_CONNECTIONS is {} but this process may open {} files: at most {} "
             "connections (raise the hard limit, `ulimit -Hn`, to allow more)",
             settings.max_connections, open_files, connections_allowed);
    settings.max_connections = connections_allowed;
  }

  std::optional<std::string> dev_secret;
  std::optional<auth::dev_token_minter> dev_tokens;
  if (settings.dev_auth) {
    // Never the shared secret: the configuration refuses dev auth beside it (decision 9).
    dev_secret = load_or_create_dev_secret(settings.data_dir);
    dev_tokens.emplace(*dev_secret, settings.jwt_issuer, settings.jwt_audience);
    log->warn(
        "*** CONV_DEV_AUTH is on: anyone can mint a token with POST /dev/token. "
        "Never run this in production. ***");
  }

  io_threads threads(settings.io_threads);
  auto& io = threads.main();
  blocking_pool pool(4);
  observability::metrics_registry metrics;

  // Embedded adapters: everything on this machine, nothing to install.
  adapters::embedded::system_clock clock;
  adapters::embedded::alive_mark alive(settings.data_dir / "alive", clock);
  adapters::embedded::uuid_generator ids;
  const auto database_file = settings.data_dir / "conversation.db";
  std::unique_ptr<adapters::embedded::sqlite_database> database;
  try {
    database = adapters::embedded::sqlite_database::open(database_file);
  } catch (const std::exception& e) {
    // SQLite's own words ("disk I/O error") name neither the file nor the likely cause.
    const auto room = adapters::embedded::check_room(settings.data_dir, "the data directory");
    log->critical("cannot open the store {}: {}{}", database_file.string(), e.what(),
                  room ? std::string() : "; " + room.error().message);
    return 1;
  }
  adapters::embedded::sqlite_topic_store topic_store(*database);
  adapters::embedded::sqlite_conversation_store store(*database);
  adapters::embedded::jsonl_event_sink events(settings.data_dir / "events.jsonl", pool);
  adapters::embedded::jsonl_event_inbox platform_events(
      settings.data_dir / "inbox", {domain::user_events_topic, domain::feedback_events_topic},
      pool);
  adapters::embedded::disk_audio_store audio_store(settings.data_dir / "audio", pool);
  adapters::embedded::memory_match_queue queue;
  adapters::embedded::asio_scheduler scheduler(io.get_executor());

  app::presence_hub hub({.max_messages = 256,
                         .max_bytes = 256 * 1024,
                         .max_age = std::chrono::duration_cast<std::chrono::milliseconds>(
                             settings.heartbeat_timeout)});
  app::live_session_cache sessions;
  app::topic_catalog topics(topic_store, clock, ids);
  app::ice_servers ice(
      {settings.stun_urls, settings.turn_urls, settings.turn_secret, settings.turn_ttl});
  app::context ctx{
      .store = store,
      .queue = queue,
      .scheduler = scheduler,
      .clock = clock,
      .ids = ids,
      .hub = hub,
      .sessions = sessions,
      .topics = topics,
      .ice = ice,
      .times = {settings.match_timeout, settings.presence_grace, settings.waiting_timeout,
                settings.heartbeat_interval, settings.heartbeat_timeout, settings.min_completed,
                settings.max_duration}};
  app::conversation_service service(ctx, audio_store, events, platform_events, io.get_executor(),
                                    settings.audio_max_bytes);

  auth::verifier_options auth_options;
  auth_options.hs256_secret = dev_secret ? dev_secret : settings.jwt_secret;
  auth_options.issuer = settings.jwt_issuer;
  auth_options.audience = settings.jwt_audience;
  transport::authenticator authenticator(
      auth_options, settings.jwt_jwks_url, settings.jwks_min_refresh,
      {.per_second = settings.auth_failures_per_second, .burst = settings.auth_failure_burst},
      service.removed);

  std::vector<transport::store_health> health{
      {"store", [&database] { return database->probe(); }},
      {"events", [&events] { return events.probe(); }},
      {"audio", [&audio_store] { return audio_store.probe(); }}};
  transport::rest_api api(service, authenticator, metrics,
                          {.requests_per_second = settings.http_requests_per_second,
                           .burst = settings.http_burst,
                           .dev_auth = settings.dev_auth,
                           .dev_tokens = dev_tokens,
                           .stores = std::move(health)});
  transport::ws_gateway gateway(service, authenticator,
                                {.allowed_origins = settings.allowed_origins,
                                 .idle_timeout = settings.heartbeat_timeout,
                                 .messages_per_second = settings.ws_messages_per_second,
                                 .burst = settings.ws_burst,
                                 .handshakes_per_second = settings.ws_handshakes_per_second,
                                 .handshake_burst = settings.ws_handshake_burst},
                                metrics, io.get_executor());
  gateway.start_idle_sweep();
  std::unique_ptr<transport::static_files> files;
  const auto web_root = settings.web_root.value_or("web/dist");
  if (std::filesystem::is_directory(web_root)) {
    files = std::make_unique<transport::static_files>(web_root);
    log->info("serving the web client from {} ({} files)", web_root.string(), files->file_count());
  }

  register_service_metrics(metrics, authenticator, sessions, hub, service);
  metrics.add_gauge("conv_timers_pending",
                    "timers armed: request deadlines, presence grace, session timeouts",
                    [&scheduler] { return double(scheduler.pending()); });

  std::unique_ptr<transport::http_server> server;
  try {
    server = std::make_unique<transport::http_server>(
        threads.all(),
        transport::tcp::endpoint(asio::ip::make_address(settings.listen_host),
                                 settings.listen_port),
        api, gateway, service.audio, files.get(),
        transport::server_limits{
            .max_connections = settings.max_connections,
            .max_connections_per_address = settings.max_connections_per_address},
        transport::client_address(settings.trusted_proxies), metrics);
  } catch (const std::exception& e) {
    log->critical("cannot listen on {}:{}: {}", settings.listen_host, settings.listen_port,
                  e.what());
    return 1;
  }

  int exit_code = 0;
  // Touched on the main context's one thread only: the start, the signals and the shutdown
  // all run there.
  bool started = false;         // listening: a signal may shut down at once
  bool stop_requested = false;  // a signal came while starting: shut down once started
  bool hurry = false;           // a second signal: stop waiting for clients
  auto shut_down = [&]() -> asio::awaitable<void> {
    // Stop accepting and stop firing timers (they are re-armed from the store at the next
    // start), let requests in flight finish, then tell every client we are going.
    server->stop_accepting();
    scheduler.stop();
    asio::steady_timer wait(io);
    const auto started_at = std::chrono::steady_clock::now();
    auto waited = [&] { return std::chrono::steady_clock::now() - started_at; };
    auto wait_a_moment = [&]() -> asio::awaitable<void> {
      wait.expires_after(std::chrono::milliseconds(10));
      co_await wait.async_wait(asio::use_awaitable);
    };
    // Requests get up to 10 s, with the WebSockets still open: what they cause (a join's
    // match-found) reaches its users now rather than being held in memory for a reconnect
    // that finds another process.
    while (!hurry && server->requests_in_flight() > 0 && waited() < std::chrono::seconds(10))
      co_await wait_a_moment();
    // The calls are not heard from once their sockets close: the last mark is now, not
    // when the process exits up to ~3 s later (a resumed call nobody comes back to ends
    // at this mark).
    co_await pool.run([&] {
      alive.stop();
      return true;
    });
    gateway.close_all();
    // Close handshakes get up to 2 s: a client that does not answer the close frame is not
    // worth waiting for.
    const auto closing_at = waited();
    while (!hurry && gateway.connection_count() > 0 &&
           waited() - closing_at < std::chrono::seconds(2))
      co_await wait_a_moment();
    // Connections whose client did not answer the close frame are cut, so that their
    // handlers run to the end (on_disconnected included) while the service runs.
    gateway.cut_all();
    const auto cut_at = waited();
    while (gateway.connection_count() > 0 && waited() - cut_at < std::chrono::seconds(1))
      co_await wait_a_moment();
    co_await service.stop();
    threads.stop();
  };

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await authenticator.start();
        auto started_service = co_await service.start(&alive);
        if (!started_service) {
          log->critical("cannot start: {}", started_service.error().message);
          exit_code = 1;
          threads.stop();
          co_return;
        }
        if (stop_requested) {
          // Never listened: nothing to drain, but what start() set going stops in order.
          co_await service.stop();
          threads.stop();
          co_return;
        }
        alive.start();
        server->start();
        started = true;
        const auto endpoint = server->local_endpoint();
        log->info("listening on {}:{}", endpoint.address().to_string(), endpoint.port());
        if (!settings.trusted_proxies.empty())
          log->info(
              "X-Forwarded-For names the client when the peer is a trusted proxy ({} entries)",
              settings.trusted_proxies.size());
        // Tests and scripts read this line to learn the port when CONV_LISTEN asks for port 0.
        std::cout << "conversation-service listening on " << endpoint.address().to_string() << ":"
                  << endpoint.port() << std::endl;
      },
      asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int signal) {
    if (ec) return;
    if (stop_requested) {
      signals.async_wait(on_signal);
      if (!started) {
        // A start that hangs (a store or JWKS that does not answer) is given up.
        log->warn("signal {} again: giving up the start", signal);
        threads.stop();
        return;
      }
      log->warn("signal {} again: not waiting for clients any longer", signal);
      hurry = true;
      return;
    }
    log->info("signal {}: shutting down", signal);
    stop_requested = true;
    signals.async_wait(on_signal);  // a second one hurries the shutdown
    if (started) asio::co_spawn(io, shut_down(), asio::detached);
  };
  signals.async_wait(on_signal);

  threads.run();
  // The threads that hand results back to the I/O contexts stop first: what they hand back
  // is queued there. Then everything still pending (a connection waiting for the store, a
  // file write or a JWKS fetch, an idle keep-alive exchange) is destroyed, while the server,
  // the gateway and the service it refers to exist.
  pool.stop();
  database->stop();
  authenticator.stop();
  threads.destroy_pending_handlers();
  log->info("stopped");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // What the service writes (the store, the event log with report reasons, recordings, the
  // alive mark) is for its own account and group, not every local user: 0750 directories
  // and 0640 files under the usual umask 022.
  ::umask(::umask(0) | 027);
  CLI::App cli{"Conversation Service: matchmaking, WebRTC signaling and session lifecycle"};
  cli.require_subcommand(0, 1);
  auto* mint = cli.add_subcommand("mint-token", "print a development token (HS256)");
  std::string user;
  bool admin = false;
  int hours = 24;
  mint->add_option("--user", user, "the token's subject (user id)")->required();
  mint->add_flag("--admin", admin, "grant the admin role");
  mint->add_option("--hours", hours, "validity in hours")
      ->check(CLI::TypeValidator<int>() & CLI::Range(1, 24 * 30));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help is not an error; a wrong command line exits 2, like a bad configuration.
    return cli.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (mint->parsed()) return mint_token(user, admin, hours);
    return serve();
  } catch (const config::config_error& e) {
    std::cerr << "conversation-service: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "conversation-service: " << e.what() << "\n";
    return 1;
  }
}
