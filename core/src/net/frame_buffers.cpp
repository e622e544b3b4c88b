#include "net/frame_buffers.hpp"

namespace parley::net {

std::size_t FrameBuffers::bytes() const noexcept {
    std::size_t total = 0;
    for (const Frame* frame = first_; frame != last_; ++frame) {
        total += frame->bytes().size();
    }
    return total - skip_;
}

FrameBuffers FrameBuffers::after(std::size_t n) const noexcept {
    const Frame* first = first_;
    std::size_t skip = skip_ + n;
    while (first != last_ && skip >= first->bytes().size()) {
        skip -= first->bytes().size();
        ++first;
    }
    return {first, last_, first == last_ ? 0 : skip};
}

}  // namespace parley::net
