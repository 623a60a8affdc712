<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace mod_podium;

/**
 * The cross-language token vectors (tests/vectors/tokens.json at the project's root): the plugin
 * reproduces every valid token byte for byte, and every refused token is refused for the reason
 * it gives. The Rust verifier checks the same file.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\token
 */
final class vectors_test extends \basic_testcase {
    /** @var int The server's leeway for exp and nbf, in seconds. */
    const LEEWAY = 30;
    /** @var int The server's default longest lifetime, in seconds. */
    const MAX_LIFETIME = 600;

    /**
     * The vectors, or a skip when the plugin is not in the project's tree.
     *
     * @return array
     */
    private function vectors(): array {
        $file = dirname(__DIR__, 3) . '/tests/vectors/tokens.json';
        if (!is_file($file)) {
            $this->markTestSkipped('the shared vectors are in the project repository, not in a Moodle install');
        }
        return json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * Decode one base64url segment.
     *
     * @param string $segment
     * @return string|false
     */
    private static function b64decode(string $segment) {
        return base64_decode(strtr($segment, '-_', '+/') . str_repeat('=', (4 - strlen($segment) % 4) % 4), true);
    }

    public function test_the_site_id_is_the_plugins_derivation(): void {
        $vectors = $this->vectors();
        $this->assertSame($vectors['site']['site_id'], token::site_id($vectors['site']['wwwroot']));
    }

    public function test_the_plugin_reproduces_every_valid_token(): void {
        $vectors = $this->vectors();
        $this->assertNotEmpty($vectors['valid']);
        foreach ($vectors['valid'] as $i => $vector) {
            $c = $vector['claims'];
            $optional = array_intersect_key($c, array_flip(token::OPTIONAL_CLAIMS));
            $claims = token::claims($c['iss'], $c['sub'], $c['name'], $c['role'], $c['room'], $c['iat'],
                $c['exp'] - $c['iat'], $c['jti'], $optional);
            $this->assertSame($c, $claims, "valid[$i]: the builder gives the same claims in the same order");
            $this->assertSame($vector['token'], token::sign($claims, $vectors['secret']),
                "valid[$i]: the same bytes (" . PODIUM_JWT_LIBRARY . ')');
        }
    }

    public function test_every_valid_token_verifies_and_is_current(): void {
        $vectors = $this->vectors();
        foreach ($vectors['valid'] as $i => $vector) {
            [$header, $payload, $signature] = explode('.', $vector['token']);
            $mac = hash_hmac('sha256', "$header.$payload", $vectors['secret'], true);
            $this->assertTrue(hash_equals($mac, self::b64decode($signature)), "valid[$i] verifies");
            $claims = json_decode(self::b64decode($payload), true);
            $this->assertSame($vector['claims'], $claims);
            $this->assertSame('HS256', json_decode(self::b64decode($header), true)['alg']);
            $this->assertGreaterThan($vectors['now'] - self::LEEWAY, $claims['exp'], "valid[$i] has not expired");
            $this->assertLessThanOrEqual(self::MAX_LIFETIME, $claims['exp'] - $claims['iat']);
        }
    }

    public function test_every_refused_token_has_the_fault_it_names(): void {
        $vectors = $this->vectors();
        $codes = ['invalid_token', 'token_expired', 'token_not_yet_valid', 'token_lifetime_too_long'];
        $jtis = [];
        foreach ($vectors['refused'] as $i => $vector) {
            $this->assertContains($vector['code'], $codes, "refused[$i]");
            $this->assertNotEmpty($vector['why'], "refused[$i] says why");
            $parts = explode('.', $vector['token']);
            if (count($parts) !== 3) {
                $this->assertSame('invalid_token', $vector['code'], "refused[$i]: not a JWT");
                continue;
            }
            $header = json_decode(self::b64decode($parts[0]), true);
            $claims = json_decode(self::b64decode($parts[1]), true);
            $verifies = $header['alg'] === 'HS256' && hash_equals(
                hash_hmac('sha256', "$parts[0].$parts[1]", $vectors['secret'], true), (string) self::b64decode($parts[2]));
            $faults = [];
            if (!$verifies) {
                $faults[] = 'invalid_token';
            }
            if (($claims['aud'] ?? null) !== token::AUDIENCE
                    || !in_array($claims['role'] ?? null, token::ROLES, true)
                    || (isset($claims['stage_mode']) && !in_array($claims['stage_mode'], instance::STAGE_MODES, true))
                    || (isset($claims['callback']) && !token::is_callback_url($claims['callback']))
                    || array_diff(['iss', 'aud', 'sub', 'name', 'role', 'room', 'iat', 'exp', 'jti'], array_keys($claims))) {
                $faults[] = 'invalid_token';
            }
            if (isset($claims['exp']) && $claims['exp'] < $vectors['now'] - self::LEEWAY) {
                $faults[] = 'token_expired';
            }
            if (isset($claims['nbf']) && $claims['nbf'] > $vectors['now'] + self::LEEWAY) {
                $faults[] = 'token_not_yet_valid';
            }
            if (isset($claims['exp'], $claims['iat']) && $claims['exp'] - $claims['iat'] > self::MAX_LIFETIME) {
                $faults[] = 'token_lifetime_too_long';
            }
            $this->assertSame([$vector['code']], array_values(array_unique($faults)),
                "refused[$i] ({$vector['why']}) has exactly the fault it names");
            if (isset($claims['jti'])) {
                $this->assertNotContains($claims['jti'], $jtis, "refused[$i] has its own jti");
                $jtis[] = $claims['jti'];
            }
        }
    }
}
