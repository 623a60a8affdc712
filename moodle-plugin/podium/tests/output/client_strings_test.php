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
            'set_devices' => 'Set devices', 'join_as_viewer' => 'Join as viewer', 'join_stage' => 'Join stage',
            'ask_to_join_stage' => 'Ask to join stage', 'cancel_request' => 'Cancel request',
            'join_the_stage' => 'Join the stage', 'decline' => 'Decline', 'raise_hand' => 'Raise hand',
            'lower_hand' => 'Lower hand', 'on_stage' => 'On stage', 'viewers' => 'Viewers',
            'participants' => 'Participants', 'chat' => 'Chat',
            'get_ready_to_join_stage' => 'Get ready to join the stage',
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
        $this->assertSame('CLIENT_SET_DEVICES', $strings['set_devices']);
    }
}
