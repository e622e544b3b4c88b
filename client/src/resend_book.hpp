#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <parley/frame.hpp>

namespace parley::client {

/// Chat messages written to a connection whose node keeps a message log, until their ACK or
/// ERROR. If the connection drops first they are resent, with the same client_msg_id, after
/// the next login: the node deduplicates, so a message it already stored is not delivered
/// twice and its ACK comes again.
class ResendBook {
  public:
    void written(std::uint64_t id, Frame frame);
    /// Forgets `id` and returns its frame, if it was in the book.
    std::optional<Frame> answered(std::uint64_t id);
    bool contains(std::uint64_t id) const { return frames_.contains(id); }
    /// Empties the book, returning its messages oldest id first.
    std::vector<std::pair<std::uint64_t, Frame>> take_all();

  private:
    std::map<std::uint64_t, Frame> frames_;
};

}  // namespace parley::client
