package dev.trickle.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The format reader the metrics test relies on accepts the format and nothing else. */
class PrometheusTextTest {
  @Test
  void shouldReadSamplesWithEscapedLabels() {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP trickle_x_seconds A histogram
        # TYPE trickle_x_seconds histogram
        trickle_x_seconds_bucket{table="a\\"b",le="+Inf"} 3
        trickle_x_seconds_sum{table="a\\"b"} 0.25
        # TYPE up gauge
        up NaN
        """);
    assertEquals(3, samples.size());
    assertEquals(Map.of("table", "a\"b", "le", "+Inf"), samples.get(0).labels());
    assertEquals(0.25, samples.get(1).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "# TYPE a gauge\na{b=\"c} 1\n",
      "# TYPE a gauge\na 1",
      "a 1\n",
      "# TYPE a gauge\na one\n",
      "# TYPE a gauge\na{b=\"1\",b=\"2\"} 1\n",
      "# TYPE a gauge\n# TYPE a counter\n",
      "# comment\n"})
  void shouldRejectWhatIsNotTheFormat(String text) {
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
  }
}
