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
 * Tests of the activity record's pure parts.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\instance
 */
final class instance_test extends \basic_testcase {
    public function test_stage_modes_are_the_tokens_names(): void {
        $this->assertSame(['open', 'request', 'invite'], instance::STAGE_MODES);
        foreach (instance::STAGE_MODES as $mode) {
            $this->assertSame($mode, instance::stage_mode($mode));
        }
    }

    public function test_an_unknown_stage_mode_falls_back_to_request(): void {
        $this->assertSame('request', instance::stage_mode(null));
        $this->assertSame('request', instance::stage_mode(''));
        $this->assertSame('request', instance::stage_mode('OPEN'));
    }

    public function test_normalise_a_new_activity(): void {
        $data = (object) ['name' => 'Live', 'stagemode' => 'open', 'chatenabled' => '1', 'pollsenabled' => '0'];
        $record = instance::normalise($data, 1234);
        $this->assertSame('open', $record->stagemode);
        $this->assertSame(1, $record->chatenabled);
        $this->assertSame(0, $record->reactionsenabled);
        $this->assertSame(0, $record->pollsenabled);
        $this->assertSame(1234, $record->timecreated);
        $this->assertSame(1234, $record->timemodified);
        $this->assertFalse(isset($data->timecreated), 'the form data is not changed');
    }

    public function test_normalise_an_update_keeps_the_creation_time(): void {
        $record = instance::normalise((object) ['instance' => 5, 'stagemode' => 'bogus'], 99);
        $this->assertFalse(isset($record->timecreated));
        $this->assertSame(99, $record->timemodified);
        $this->assertSame('request', $record->stagemode);
    }

    public function test_completion_rules_are_stored_and_listed(): void {
        $record = instance::normalise((object) ['completionminutes' => '45', 'completionpoll' => '1'], 1);
        $this->assertSame(45, $record->completionminutes);
        $this->assertSame(1, $record->completionpoll);
        $this->assertSame(['completionminutes' => 45, 'completionpoll' => 1], instance::completion_rules($record));
        $off = instance::normalise((object) ['completionminutes' => '-3', 'completionpoll' => '0'], 1);
        $this->assertSame([], instance::completion_rules($off));
        // A form with its completion settings locked sends none: what is stored stays.
        $locked = instance::normalise((object) ['instance' => 5], 1);
        $this->assertFalse(isset($locked->completionminutes));
        $this->assertFalse(isset($locked->completionpoll));
    }

    public function test_the_user_data_tables_are_every_table_about_people(): void {
        $xml = simplexml_load_file(dirname(__DIR__) . '/db/install.xml');
        $tables = [];
        foreach ($xml->xpath('//TABLE[FIELDS/FIELD[@NAME="userid"]]') as $table) {
            $tables[] = (string) $table['NAME'];
        }
        $this->assertSame($tables, instance::USER_DATA_TABLES);
    }

    public function test_the_token_names_every_feature_in_order(): void {
        $this->assertSame(['chat' => true, 'reactions' => false, 'polls' => true],
            token::features_claim(['polls' => true, 'reactions' => false]));
        $this->assertTrue(token::is_callback_url('https://moodle.example.edu/mod/podium/callback.php'));
        $this->assertFalse(token::is_callback_url('javascript:alert(1)'));
        $this->assertFalse(token::is_callback_url('https://moodle.example.edu/a b'));
    }

    public function test_features_by_client_name(): void {
        $podium = (object) ['chatenabled' => '1', 'reactionsenabled' => '0', 'pollsenabled' => 1];
        $this->assertSame(['chat' => true, 'reactions' => false, 'polls' => true], instance::features($podium));
    }
}
