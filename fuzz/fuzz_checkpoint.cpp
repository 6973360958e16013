// libFuzzer target: agent checkpoints (Checkpoint::read, then loading into an agent).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "agents/agent.hpp"
#include "agents/checkpoint.hpp"
#include "core/error.hpp"
#include "envs/registration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path =
      std::filesystem::temp_directory_path() / ("spikegym_fuzz_ckpt_" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  static auto env = spikegym::envs::make("CartPole-v1", 0);
  try {
    spikegym::agents::Checkpoint::read(path.string());
    for (const char* type : {"reinforce", "snn"}) {
      auto agent = spikegym::agents::makeAgent(type, env->observationSpace(), env->actionSpace(),
                                               {{"output_size", "4"}}, 1);
      try {
        agent->load(path.string());
      } catch (const spikegym::UserError&) {
      }
    }
  } catch (const spikegym::UserError&) {
  }
  return 0;
}
