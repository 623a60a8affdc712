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
 * Tests of what the activity page shows.
 *
 * @package    mod_podium
 * @category   test
 * @copyright  2026 The Podium authors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \mod_podium\output\view_page
 */
final class view_page_test extends \basic_testcase {
    public function test_without_join_the_page_explains(): void {
        $this->assertSame(view_page::STATE_NO_JOIN, view_page::decide(false, 'https://podium.example.edu', 's'));
        $this->assertSame(view_page::STATE_NO_JOIN, view_page::decide(false, '', ''));
    }

    public function test_without_a_server_or_secret_the_page_says_so(): void {
        $this->assertSame(view_page::STATE_NOT_CONFIGURED, view_page::decide(true, '', 'secret'));
        $this->assertSame(view_page::STATE_NOT_CONFIGURED, view_page::decide(true, '  ', 'secret'));
        $this->assertSame(view_page::STATE_NOT_CONFIGURED, view_page::decide(true, 'https://podium.example.edu', ''));
        $this->assertSame(view_page::STATE_MOUNT, view_page::decide(true, 'https://podium.example.edu', 'secret'));
    }

    public function test_a_message_page_mounts_nothing(): void {
        $page = view_page::message(view_page::STATE_NOT_CONFIGURED, 'Not connected.');
        $context = $page->export_for_template(new \renderer_base());
        $this->assertFalse($context['mount']);
        $this->assertSame(['text' => 'Not connected.', 'type' => 'warning'], $context['message']);
        $this->assertSame('notconfigured', $context['state']);
        $this->assertSame('mod_podium/view', $page->get_template_name(new \renderer_base()));
    }

    public function test_a_mount_page_hands_the_client_its_configuration(): void {
        $page = view_page::mount('https://podium.example.edu/ ', 'a.b.c', 'pt_br',
            ['set_devices' => 'Definir dispositivos', 'chat' => 'Bate-papo'],
            ['loading' => 'Loading', 'unreachable' => 'Unreachable', 'noscript' => 'No script']);
        $context = $page->export_for_template(new \renderer_base());
        $this->assertFalse($context['message']);
        $this->assertMatchesRegularExpression('/^podium-[0-9a-f]{12}$/', $context['id']);
        $mount = $context['mount'];
        $this->assertSame('https://podium.example.edu/client/podium.js', $mount['clienturl']);
        $this->assertSame('https://podium.example.edu/ws', $mount['wsurl']);
        $this->assertSame('a.b.c', $mount['token']);
        $this->assertSame('pt_br', $mount['locale']);
        $this->assertSame(['set_devices' => 'Definir dispositivos', 'chat' => 'Bate-papo'],
            json_decode($mount['stringsjson'], true));
        // The features reach the client in the signed token, not in the page.
        $this->assertArrayNotHasKey('featuresjson', $mount);
        $this->assertArrayNotHasKey('serverurl', $mount);
        $this->assertSame('Unreachable', $mount['unreachable']);
    }

    public function test_an_empty_strings_map_is_still_a_json_object(): void {
        $page = view_page::mount('https://p', 't', 'en', [], []);
        $this->assertSame('{}', $page->export_for_template(new \renderer_base())['mount']['stringsjson']);
    }

    public function test_the_template_gives_the_client_every_attribute(): void {
        $template = file_get_contents(dirname(__DIR__, 2) . '/templates/view.mustache');
        $this->assertStringContainsString('data-podium-client="{{clienturl}}"', $template);
        $attributes = ['ws-url' => 'wsurl', 'token' => 'token', 'locale' => 'locale', 'strings' => 'stringsjson'];
        foreach ($attributes as $attribute => $variable) {
            $this->assertStringContainsString("data-$attribute=\"{{{$variable}}}\"", $template);
        }
        // The client reads these names (crates/client/src/config.rs, in the project's tree).
        $config = dirname(__DIR__, 4) . '/crates/client/src/config.rs';
        if (is_file($config)) {
            $source = file_get_contents($config);
            foreach (array_keys($attributes) as $attribute) {
                $this->assertStringContainsString("\"$attribute\"", $source, "the client reads data-$attribute");
            }
        }
        $this->assertStringNotContainsString('{{{', $template, 'nothing is put in the page unescaped');
        $this->assertStringContainsString('<script type="module">', $template);
        $this->assertStringContainsString('{{unreachable}}', $template);
    }
}
