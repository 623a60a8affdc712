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

namespace mod_podium\output;

/**
 * Tests that every string the client shows is in the language file.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\output\client_strings
 */
final class client_strings_test extends \basic_testcase {
    /**
     * The English language file's strings.
     *
     * @return string[]
     */
    private static function english(): array {
        $string = [];
        include(dirname(__DIR__, 2) . '/lang/en/podium.php');
        return $string;
    }

    public function test_every_client_key_has_an_english_string(): void {
        $english = self::english();
        foreach (client_strings::KEYS as $key) {
            $this->assertArrayHasKey(client_strings::PREFIX . $key, $english, "client string '$key'");
            $this->assertNotSame('', trim($english[client_strings::PREFIX . $key]));
        }
        $this->assertSame(array_unique(client_strings::KEYS), client_strings::KEYS, 'no key twice');
    }

    public function test_every_client_string_in_the_language_file_is_handed_over(): void {
        foreach (array_keys(self::english()) as $identifier) {
            if (strpos($identifier, client_strings::PREFIX) === 0) {
                $this->assertContains(substr($identifier, strlen(client_strings::PREFIX)), client_strings::KEYS,
                    "$identifier is handed to the client");
            }
        }
    }

    public function test_the_products_words_are_used_exactly(): void {
        $english = self::english();
        $words = [
            'entry.set_devices' => 'Set devices', 'entry.join_as_viewer' => 'Join as viewer',
            'entry.join_stage' => 'Join stage', 'stage.ask' => 'Ask to join stage',
            'stage.cancel_request' => 'Cancel request', 'stage.join_the_stage' => 'Join the stage',
            'stage.decline' => 'Decline', 'toolbar.raise_hand' => 'Raise hand', 'toolbar.lower_hand' => 'Lower hand',
            'people.on_stage' => 'On stage', 'people.viewers' => 'Viewers', 'tabs.participants' => 'Participants',
            'tabs.chat' => 'Chat', 'stage.get_ready' => 'Get ready to join the stage',
        ];
        foreach ($words as $key => $text) {
            $this->assertSame($text, $english[client_strings::PREFIX . $key]);
        }
    }

    public function test_collect_gives_every_key_in_order(): void {
        $strings = client_strings::collect(function (string $identifier): string {
            return strtoupper($identifier);
        });
        $this->assertSame(client_strings::KEYS, array_keys($strings));
        $this->assertSame('CLIENT_ENTRY.SET_DEVICES', $strings['entry.set_devices']);
    }

    public function test_the_keys_are_the_clients_own(): void {
        // The client's strings, the server's error codes and close reasons, in the project's tree.
        $root = dirname(__DIR__, 4);
        $i18n = "$root/crates/client/src/i18n.rs";
        if (!is_file($i18n)) {
            $this->markTestSkipped('the client is in the project repository, not in a Moodle install');
        }
        $source = file_get_contents($i18n);
        $defaults = substr($source, strpos($source, 'pub const DEFAULTS'));
        $defaults = substr($defaults, 0, strpos($defaults, '];'));
        preg_match_all('/\("([a-z0-9_.]+)",/', $defaults, $matches);
        $expected = $matches[1];
        $errors = file_get_contents("$root/crates/protocol/src/error.rs");
        preg_match_all('/^\s+([A-Za-z]+) => "/m', substr($errors, strpos($errors, 'pub fn message')), $matches);
        foreach ($matches[1] as $code) {
            $expected[] = 'error.' . strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $code));
        }
        preg_match_all('/CloseReason::([A-Za-z]+) => "/', file_get_contents("$root/crates/protocol/src/server.rs"), $matches);
        foreach ($matches[1] as $reason) {
            $expected[] = 'closing.' . strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $reason));
        }
        $this->assertGreaterThan(100, count($expected));
        sort($expected);
        $keys = client_strings::KEYS;
        sort($keys);
        $this->assertSame($expected, $keys, 'client_strings::KEYS is the client\'s list of strings');
    }
}
