// Gather-write views over queued frames, and the write queue's path for a write that
// completes at once.
#include "net/frame_buffers.hpp"

#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <gtest/gtest.h>

#include "net/write_queue.hpp"

namespace parley::net {
namespace {

Frame frame_of_size(std::size_t body) {
    std::vector<std::uint8_t> bytes(body, 'x');
    return Frame::make(FrameType::private_message, 1, 2, bytes);
}

std::string flatten(const FrameBuffers& buffers) {
    std::string out;
    for (const boost::asio::const_buffer b : buffers) {
        out.append(static_cast<const char*>(b.data()), b.size());
    }
    return out;
}

std::string flatten(const std::vector<Frame>& frames) {
    std::string out;
    for (const auto& f : frames) {
        out.append(reinterpret_cast<const char*>(f.bytes().data()), f.bytes().size());
    }
    return out;
}

TEST(FrameBuffersTest, IsABufferSequenceOfTheWholeFrames) {
    const std::vector<Frame> frames{frame_of_size(1), frame_of_size(10), frame_of_size(0)};
    const FrameBuffers view(frames.data(), frames.data() + frames.size());
    EXPECT_EQ(view.size(), 3U);
    EXPECT_EQ(view.bytes(), 15U + 24U + 14U);
    EXPECT_EQ(boost::asio::buffer_size(view), view.bytes());
    EXPECT_EQ(flatten(view), flatten(frames));
}

TEST(FrameBuffersTest, AfterSkipsWrittenBytesAcrossFrameBoundaries) {
    const std::vector<Frame> frames{frame_of_size(1), frame_of_size(10), frame_of_size(0)};
    const FrameBuffers view(frames.data(), frames.data() + frames.size());
    const std::string all = flatten(frames);
    for (std::size_t n = 0; n <= all.size(); ++n) {
        const FrameBuffers rest = view.after(n);
        EXPECT_EQ(flatten(rest), all.substr(n)) << "after " << n;
        EXPECT_EQ(rest.bytes(), all.size() - n);
        EXPECT_EQ(flatten(rest.after(1 <= rest.bytes() ? 1 : 0)),
                  all.substr(std::min(all.size(), n + 1)));
    }
    EXPECT_EQ(view.after(all.size()).size(), 0U);
}

TEST(WriteQueueTest, PendingFramesWrittenAtOnceLeaveNothingInFlight) {
    WriteQueue queue(1 << 20);
    ASSERT_TRUE(queue.push(frame_of_size(10)));
    ASSERT_TRUE(queue.push(frame_of_size(20)));
    EXPECT_EQ(queue.pending_buffers().size(), 2U);
    EXPECT_EQ(queue.pending_buffers().bytes(), 24U + 34U);
    queue.pending_written();
    EXPECT_FALSE(queue.has_pending());
    EXPECT_FALSE(queue.writing());
    EXPECT_EQ(queue.queued_bytes(), 0U);
    queue.release_memory();
    EXPECT_TRUE(queue.push(frame_of_size(10)));
    EXPECT_EQ(queue.queued_bytes(), 24U);
}

}  // namespace
}  // namespace parley::net
