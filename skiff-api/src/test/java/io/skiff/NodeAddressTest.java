package io.skiff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeAddressTest {
    @Test
    void ip4AddressHasItsParts() {
        final NodeAddress address = NodeAddress.parse("/ip4/127.0.0.1/udp/9490");

        assertThat(address.kind()).isEqualTo("ip4");
        assertThat(address.host()).isEqualTo("127.0.0.1");
        assertThat(address.protocol()).isEqualTo("udp");
        assertThat(address.port()).isEqualTo(9490);
        assertThat(address).hasToString("/ip4/127.0.0.1/udp/9490");
    }

    @Test
    void ip6AddressHasItsParts() {
        final NodeAddress address = NodeAddress.parse("/ip6/::1/tcp/1");

        assertThat(address.kind()).isEqualTo("ip6");
        assertThat(address.host()).isEqualTo("::1");
        assertThat(address.protocol()).isEqualTo("tcp");
        assertThat(address.port()).isEqualTo(1);
        assertThat(address).hasToString("/ip6/::1/tcp/1");
    }

    @Test
    void dns4AddressHasItsParts() {
        final NodeAddress address = NodeAddress.parse("/dns4/node-1.example.org/udp/65535");

        assertThat(address.kind()).isEqualTo("dns4");
        assertThat(address.host()).isEqualTo("node-1.example.org");
        assertThat(address.protocol()).isEqualTo("udp");
        assertThat(address.port()).isEqualTo(65535);
    }

    @Test
    void memoryAddressHasANameAndNoPort() {
        final NodeAddress address = NodeAddress.parse("/mem/node_1.a-B");

        assertThat(address.kind()).isEqualTo("mem");
        assertThat(address.host()).isEqualTo("node_1.a-B");
        assertThat(address.protocol()).isEqualTo("mem");
        assertThat(address.port()).isZero();
        assertThat(address).hasToString("/mem/node_1.a-B");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "/ip4/127.000.0.01/udp/09490, /ip4/127.0.0.1/udp/9490",
        "/IP4/10.0.0.1/UDP/80, /ip4/10.0.0.1/udp/80",
        "'  /ip4/10.0.0.1/udp/80  ', /ip4/10.0.0.1/udp/80",
        "/ip6/FE80::AB:1/udp/7, /ip6/fe80::ab:1/udp/7",
        "/ip6/::ffff:10.0.0.1/udp/7, /ip6/::ffff:10.0.0.1/udp/7",
        "/DNS4/Node-1.Example.ORG/Tcp/00443, /dns4/node-1.example.org/tcp/443",
        "/MEM/Alpha, /mem/Alpha",
        "' /mem/a ', /mem/a"
    })
    void canonicalTextIsLowerCaseWithoutPaddingOrLeadingZeros(String text, String canonical) {
        assertThat(NodeAddress.parse(text)).hasToString(canonical);
        assertThat(NodeAddress.parse(NodeAddress.parse(text).toString())).hasToString(canonical);
    }

    @Test
    void addressesWithTheSameCanonicalTextAreEqual() {
        final NodeAddress a = NodeAddress.parse("/ip4/127.0.0.1/udp/9490");
        final NodeAddress b = NodeAddress.parse("/IP4/127.0.0.001/udp/09490");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.compareTo(b)).isZero();
    }

    @Test
    void addressesDifferingInAnyPartAreNotEqual() {
        final NodeAddress base = NodeAddress.parse("/ip4/127.0.0.1/udp/9490");

        assertThat(base).isNotEqualTo(NodeAddress.parse("/ip4/127.0.0.2/udp/9490"))
            .isNotEqualTo(NodeAddress.parse("/ip4/127.0.0.1/tcp/9490"))
            .isNotEqualTo(NodeAddress.parse("/ip4/127.0.0.1/udp/9491"))
            .isNotEqualTo(NodeAddress.parse("/dns4/127.0.0.1/udp/9490"))
            .isNotEqualTo(null)
            .isNotEqualTo("/ip4/127.0.0.1/udp/9490");
        assertThat(NodeAddress.parse("/mem/a")).as("memory names are case-sensitive")
            .isNotEqualTo(NodeAddress.parse("/mem/A"));
    }

    @Test
    void addressesOrderByCanonicalText() {
        assertThat(NodeAddress.parse("/mem/a")).isLessThan(NodeAddress.parse("/mem/b"));
        assertThat(NodeAddress.parse("/ip4/10.0.0.1/udp/2")).isGreaterThan(NodeAddress.parse("/ip4/10.0.0.1/udp/10"));
    }

    @Test
    void addressOfTheMaximumLengthIsAccepted() {
        final String longest = "/mem/" + "n".repeat(NodeAddress.MAX_LENGTH - 5);

        assertThat(NodeAddress.parse(longest).toString()).hasSize(NodeAddress.MAX_LENGTH);
    }

    @ParameterizedTest(name = "''{0}'' because {1}")
    @CsvSource(delimiter = '|', value = {
        "''                               | it must start with '/'",
        "mem/a                            | it must start with '/'",
        "/                                | '' is not one of ip4, ip6, dns4, mem",
        "/tcp/127.0.0.1/9490              | 'tcp' is not one of ip4, ip6, dns4, mem",
        "/mem                             | a memory address has exactly one name part, /mem/NAME",
        "/mem/                            | the name after /mem/ is empty",
        "/mem/a/b                         | a memory address has exactly one name part, /mem/NAME",
        "/mem/a b                         | character ' ' is not allowed in a name (letters, digits, . _ -)",
        "/mem/é                           | character 'é' is not allowed in a name (letters, digits, . _ -)",
        "/ip4/127.0.0.1/udp               | expected 4 parts /ip4/HOST/PROTOCOL/PORT, found 3",
        "/ip4/127.0.0.1/udp/9490/         | expected 4 parts /ip4/HOST/PROTOCOL/PORT, found 5",
        "/ip4//udp/9490                   | the host is empty",
        "/ip4/127.0.0/udp/9490            | '127.0.0' is not an IPv4 address A.B.C.D",
        "/ip4/127.0.0.1.5/udp/9490        | '127.0.0.1.5' is not an IPv4 address A.B.C.D",
        "/ip4/256.0.0.1/udp/9490          | '256.0.0.1' is not an IPv4 address: each part is 0-255",
        "/ip4/1.2.3.x/udp/9490            | '1.2.3.x' is not an IPv4 address: each part is 0-255",
        "/ip4/1.2..4/udp/9490             | '1.2..4' is not an IPv4 address: each part is 0-255",
        "/ip4/-1.2.3.4/udp/9490           | '-1.2.3.4' is not an IPv4 address: each part is 0-255",
        "/ip6/127.0.0.1/udp/9490          | '127.0.0.1' is not an IPv6 address",
        "/ip6/fe80::g/udp/9490            | 'fe80::g' is not an IPv6 address",
        "/dns4/-node/udp/9490             | '-node' is not a valid DNS name",
        "/dns4/node-/udp/9490             | 'node-' is not a valid DNS name",
        "/dns4/.node/udp/9490             | '.node' is not a valid DNS name",
        "/dns4/no_de/udp/9490             | 'no_de' is not a valid DNS name (letters, digits, '.', '-')",
        "/ip4/127.0.0.1/sctp/9490         | protocol 'sctp' is not udp or tcp",
        "/ip4/127.0.0.1/mem/9490          | protocol 'mem' is not udp or tcp",
        "/ip4/127.0.0.1/udp/0             | port '0' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/65536         | port '65536' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/-1            | port '-1' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/+1            | port '+1' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/80a           | port '80a' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/123456        | port '123456' is not a number from 1 to 65535",
        "/ip4/127.0.0.1/udp/              | port '' is not a number from 1 to 65535"
    })
    void malformedAddressIsRejectedSayingWhyAndShowingTheExpectedForms(String text, String why) {
        assertThatThrownBy(() -> NodeAddress.parse(text)).isInstanceOf(InvalidAddressException.class)
            .hasMessage("invalid address '" + text + "': " + why.strip() + "; expected one of "
                + "/ip4/A.B.C.D/udp/PORT, /ip6/ADDR/udp/PORT, /dns4/HOST/udp/PORT (udp may be tcp) or /mem/NAME")
            .isInstanceOf(SkiffException.class);
    }

    @Test
    void nullIsRejectedShowingTheExpectedForms() {
        assertThatThrownBy(() -> NodeAddress.parse(null)).isInstanceOf(InvalidAddressException.class)
            .hasMessageContaining("an address is required").hasMessageContaining("/mem/NAME");
    }

    @Test
    void addressLongerThanTheMaximumIsRejectedNamingBothLengths() {
        final String tooLong = "/mem/" + "n".repeat(NodeAddress.MAX_LENGTH - 4);

        assertThatThrownBy(() -> NodeAddress.parse(tooLong)).isInstanceOf(InvalidAddressException.class)
            .hasMessageContaining("it is 256 characters long, the maximum is 255")
            .hasMessageContaining("/ip4/A.B.C.D/udp/PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip6/:/udp/1", "/ip6/1:2:3:4:5:6:7:8:9/udp/1", "/ip6/1:::2/udp/1",
        "/ip6/1.2.3.4:/udp/1", "/ip6/1::2::3/udp/1", "/ip6/12345::/udp/1", "/ip6/::1.2.3/udp/1"})
    void ip6HostThatIsNoIpv6AddressIsRejected(String text) {
        assertThatThrownBy(() -> NodeAddress.parse(text)).isInstanceOf(InvalidAddressException.class)
            .hasMessageContaining("is not an IPv6 address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip6/::1/udp/1", "/ip6/fe80::1:2/udp/9", "/ip6/1:2:3:4:5:6:7:8/udp/1",
        "/ip6/::ffff:10.0.0.1/udp/1", "/ip6/::/udp/1"})
    void validIpv6FormsAreAccepted(String text) {
        assertThat(NodeAddress.parse(text).kind()).isEqualTo("ip6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/udp/\u0669\u0660", "/ip4/\u0661.0.0.1/udp/80"})
    void digitsOtherThanAsciiAreRejected(String text) {
        assertThatThrownBy(() -> NodeAddress.parse(text)).isInstanceOf(InvalidAddressException.class);
    }
}
