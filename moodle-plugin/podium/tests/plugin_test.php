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
 * Checks of the plugin's files as a whole: syntax, capabilities, database and backup, strings.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @coversNothing
 */
final class plugin_test extends \basic_testcase {
    /**
     * Every file of the plugin with the given extension.
     *
     * @param string $extension
     * @return string[] Paths relative to the plugin's root.
     */
    private static function files(string $extension): array {
        $root = dirname(__DIR__);
        $files = [];
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root, \FilesystemIterator::SKIP_DOTS));
        foreach ($iterator as $file) {
            if ($file->getExtension() === $extension) {
                $files[] = substr($file->getPathname(), strlen($root) + 1);
            }
        }
        sort($files);
        return $files;
    }

    public function test_every_php_file_is_valid_php(): void {
        $root = dirname(__DIR__);
        foreach (self::files('php') as $file) {
            $output = [];
            exec(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg("$root/$file") . ' 2>&1', $output, $status);
            $this->assertSame(0, $status, "$file: " . implode("\n", $output));
        }
    }

    public function test_every_php_file_has_the_licence_and_package(): void {
        $root = dirname(__DIR__);
        foreach (self::files('php') as $file) {
            $text = file_get_contents("$root/$file");
            $this->assertStringStartsWith("<?php\n// This file is part of Moodle - https://moodle.org/", $text, $file);
            $this->assertStringContainsString('@package    mod_podium', $text, $file);
        }
    }

    public function test_capabilities_and_their_archetypes(): void {
        $capabilities = [];
        include(dirname(__DIR__) . '/db/access.php');
        $archetypes = function (string $name) use ($capabilities): array {
            $list = array_keys($capabilities[$name]['archetypes']);
            sort($list);
            return $list;
        };
        $names = array_keys($capabilities);
        sort($names);
        $this->assertSame(['mod/podium:addinstance', 'mod/podium:join', 'mod/podium:moderate', 'mod/podium:present',
            'mod/podium:view'], $names);
        $this->assertSame(['editingteacher', 'manager'], $archetypes('mod/podium:addinstance'));
        $this->assertSame(RISK_XSS, $capabilities['mod/podium:addinstance']['riskbitmask']);
        $this->assertSame('moodle/course:manageactivities', $capabilities['mod/podium:addinstance']['clonepermissionsfrom']);
        $this->assertSame(['editingteacher', 'manager', 'student', 'teacher'], $archetypes('mod/podium:view'));
        $this->assertSame(['editingteacher', 'manager', 'student', 'teacher'], $archetypes('mod/podium:join'));
        $this->assertSame(['editingteacher', 'manager', 'teacher'], $archetypes('mod/podium:present'));
        $this->assertSame(['editingteacher', 'manager'], $archetypes('mod/podium:moderate'));
        foreach ($capabilities as $name => $capability) {
            $this->assertNotContains('guest', array_keys($capability['archetypes']), "$name is not for guests");
        }
    }

    public function test_version(): void {
        $plugin = new \stdClass();
        include(dirname(__DIR__) . '/version.php');
        $this->assertSame('mod_podium', $plugin->component);
        $this->assertSame(2024100700, $plugin->requires, 'Moodle 4.5');
        $this->assertMatchesRegularExpression('/^20\d{8}$/', (string) $plugin->version);
    }

    public function test_backup_covers_every_stored_field(): void {
        $root = dirname(__DIR__);
        $xml = simplexml_load_file("$root/db/install.xml");
        $backup = file_get_contents("$root/backup/moodle2/backup_podium_stepslib.php");
        foreach ($xml->TABLES->TABLE as $table) {
            foreach ($table->FIELDS->FIELD as $field) {
                $name = (string) $field['NAME'];
                if (in_array($name, ['id', 'course', 'podiumid'], true)) {
                    continue;
                }
                $this->assertStringContainsString("'$name'", $backup, "{$table['NAME']}.$name is backed up");
            }
        }
    }

    public function test_the_stage_mode_default_is_the_same_everywhere(): void {
        $xml = simplexml_load_file(dirname(__DIR__) . '/db/install.xml');
        $defaults = $xml->xpath('//TABLE[@NAME="podium"]/FIELDS/FIELD[@NAME="stagemode"]/@DEFAULT');
        $this->assertSame(instance::DEFAULT_STAGE_MODE, (string) $defaults[0]);
    }

    public function test_every_string_the_plugin_asks_for_exists(): void {
        $root = dirname(__DIR__);
        $string = [];
        include("$root/lang/en/podium.php");
        $asked = [];
        foreach (array_merge(self::files('php'), self::files('mustache')) as $file) {
            $text = file_get_contents("$root/$file");
            preg_match_all("/get_string\\(\\s*'([^']+)'\\s*,\\s*'(?:mod_podium|podium)'/", $text, $matches);
            $asked = array_merge($asked, $matches[1]);
        }
        // Strings asked for by a computed name.
        foreach (instance::STAGE_MODES as $mode) {
            $asked[] = 'stagemode_' . $mode;
        }
        foreach (instance::FEATURES as $field) {
            $asked[] = $field;
            $asked[] = $field . '_label';
        }
        foreach (['modulename', 'modulenameplural', 'pluginname', 'pluginadministration', 'modulename_help'] as $core) {
            $asked[] = $core;
        }
        $capabilities = [];
        include("$root/db/access.php");
        foreach (array_keys($capabilities) as $capability) {
            $asked[] = str_replace('mod/', '', $capability);
        }
        $this->assertNotEmpty($asked);
        foreach (array_unique($asked) as $identifier) {
            $this->assertArrayHasKey($identifier, $string, "the string '$identifier' exists");
        }
    }

    public function test_the_privacy_strings_exist(): void {
        $root = dirname(__DIR__);
        $string = [];
        include("$root/lang/en/podium.php");
        preg_match_all("/'(privacy:metadata:[a-z_:]+)'/", file_get_contents("$root/classes/privacy/provider.php"), $matches);
        $this->assertNotEmpty($matches[1]);
        foreach ($matches[1] as $identifier) {
            $this->assertArrayHasKey($identifier, $string);
        }
    }
}
