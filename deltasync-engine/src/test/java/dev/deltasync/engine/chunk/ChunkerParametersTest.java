package dev.deltasync.engine.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ChunkerParametersTest {
  @Test
  void defaultsAreFourSixteenSixtyFourKibWithLevelTwo() {
    assertThat(ChunkerParameters.DEFAULT)
        .isEqualTo(new ChunkerParameters(4096, 16384, 65536, 2))
        .isEqualTo(ChunkerParameters.of(4096, 16384, 65536));
  }

  @Test
  void minimumBelowTheHashWindowIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(12, 16384, 65536))
        .withMessage("minimum chunk size must be at least 64 bytes, was 12");
  }

  @Test
  void averageThatIsNoPowerOfTwoIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(4096, 10000, 65536))
        .withMessage("average chunk size must be a power of two, was 10000");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(4096, -16384, 65536))
        .withMessage("average chunk size must be a power of two, was -16384");
  }

  @Test
  void averageNotAboveTheMinimumIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(16384, 16384, 65536))
        .withMessage("average chunk size must be greater than the minimum (16384), was 16384");
  }

  @Test
  void maximumNotAboveTheAverageIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(4096, 16384, 16000))
        .withMessage("maximum chunk size must be greater than the average (16384), was 16000");
  }

  @Test
  void maximumAboveSixteenMibIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChunkerParameters.of(4096, 16384, 16 * 1024 * 1024 + 1))
        .withMessage("maximum chunk size must be at most 16777216 bytes, was 16777217");
    assertThat(ChunkerParameters.of(4096, 16384, 16 * 1024 * 1024).maxSize())
        .isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void normalizationOutsideZeroToThreeIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ChunkerParameters(4096, 16384, 65536, 4))
        .withMessage("normalization level must be between 0 and 3, was 4");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ChunkerParameters(4096, 16384, 65536, -1))
        .withMessage("normalization level must be between 0 and 3, was -1");
  }

  @Test
  void smallestParametersAreAccepted() {
    assertThat(new ChunkerParameters(64, 128, 129, 3).averageSize()).isEqualTo(128);
  }
}
