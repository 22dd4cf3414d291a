import type { DataRng } from '../../random/data-rng.js';
import type { OdysseyCategory } from '../episode-schema.js';
import {
  CONTACTS,
  calendarDayPicker,
  calendarNewEvent,
  calendarStart,
  chromePage,
  chromeResults,
  chromeTyping,
  clockAlarmDialog,
  clockAlarms,
  clockTimer,
  contactsCreate,
  contactsStart,
  listingNames,
  messagesChat,
  messagesPickContact,
  notesEditor,
  notesStart,
  PHOTOS,
  PLAYLISTS,
  photosStart,
  photoView,
  QUICK_SETTINGS,
  QUICK_SETTINGS_ON,
  SCROLL_ROWS,
  SETTINGS,
  SHARE_TARGETS,
  settingsSection,
  settingsStart,
  shadeScreen,
  shareSheet,
  shopNoResults,
  shopProduct,
  shopResults,
  shopTyping,
  spotifyPlayer,
  spotifyPlaylists,
  spotifyResults,
  spotifySearch,
  spotifySongMenu,
  tickAdd,
  tickStart,
  WEEKDAYS,
  weatherCity,
  weatherSearch,
  webResults,
  xCompose,
  xStart,
  youtubePlayer,
  youtubeResults,
  youtubeSearch,
} from './apps.js';
import type { Phone } from './phone.js';
import { layoutScreen, type Screen } from './screen.js';

/**
 * The task templates of the simulated phone, a few per GUI-Odyssey category. A template names
 * its slots; the instruction states every value the actions need (what to type, which item to
 * pick), so the actions follow from the instruction and the screen.
 */

export type Slots = Record<string, string>;

export interface TaskTemplate {
  id: string;
  category: OdysseyCategory;
  /** The apps the task uses, in order. */
  apps: readonly string[];
  /** The template with `{slot}` placeholders (written as `{}` in `meta_task`). */
  meta: string;
  /** Rephrasings that name the apps, as GUI-Odyssey's `instruction` does. */
  instructions: readonly string[];
  /** Draws the slot values; `impossible` asks for a variant the phone cannot complete, where the template has one. */
  slots(rng: DataRng, impossible: boolean): Slots;
  run(phone: Phone, slots: Slots, impossible: boolean): void;
  /** Every n-th use of the template (counting from the second) is its impossible variant. */
  impossibleEvery?: number;
}

// ---- Slot values ---------------------------------------------------------------------------

const PRODUCTS = [
  'usb c cable',
  'wireless mouse',
  'phone case',
  'running shoes',
  'coffee grinder',
  'yoga mat',
  'desk lamp',
  'water bottle',
  'bluetooth speaker',
  'backpack',
  'notebook',
  'hair dryer',
];
const UNAVAILABLE_PRODUCTS = ['flux capacitor', 'unicorn saddle', 'time machine kit'];
const QUERIES = [
  'weather in Paris',
  'best pizza recipe',
  'marathon training plan',
  'how to grow basil',
  'history of jazz',
  'cheap flights to Rome',
  'python tutorial',
  'solar eclipse dates',
];
const CITIES = ['Paris', 'Tokyo', 'Berlin', 'Lagos', 'Lima', 'Toronto', 'Sydney', 'Mumbai', 'Cairo', 'Oslo'];
const SONGS = [
  'Blue Morning',
  'Golden Hour',
  'Night Drive',
  'Paper Planes',
  'Ocean Eyes',
  'Midnight City',
  'River Song',
  'Summer Rain',
  'Electric Feel',
  'Slow Dancing',
];
const VIDEOS = [
  'lofi study beats',
  'cat compilation',
  'pasta carbonara recipe',
  'guitar lesson for beginners',
  'mars rover landing',
  'home workout',
  'origami crane tutorial',
];
const MESSAGES = [
  'running 10 minutes late',
  'see you at the cafe',
  'happy birthday',
  'call me when you can',
  'dinner at 7 tonight',
  'the keys are on the table',
];
const POSTS = [
  'Happy Friday everyone',
  'Just finished a 10k run',
  'New blog post is up',
  'Coffee time',
  'What a sunset',
];
const NOTES = [
  'buy milk and eggs',
  'call the plumber',
  'book dentist appointment',
  'gift ideas for Sam',
  'pay the electricity bill',
];
const EVENTS = ['Team meeting', 'Dentist', 'Yoga class', 'Lunch with Ben', 'Project review', 'Piano lesson'];
const NEW_CONTACTS = ['Olivia Park', 'Noah Smith', 'Mia Chen', 'Lucas Silva', 'Zoe Martin', 'Omar Haddad'];
const MINUTES = ['5', '10', '15', '20', '25', '30', '45'];
/** Settings switches that are off before a task (the ones a task can turn on). */
const SETTINGS_ON = new Set(['Wi-Fi', 'Adaptive brightness', 'Notification dot', 'Use location']);
const SWITCHES = SETTINGS.flatMap((s) =>
  s.toggles.filter((t) => !SETTINGS_ON.has(t)).map((t) => ({ section: s.section, toggle: t })),
);

function alarmTime(rng: DataRng): Slots {
  const hh = String(rng.int(5, 11)).padStart(2, '0');
  const mm = rng.pick(['00', '15', '30', '45']);
  return { time: `${hh}:${mm}`, digits: `${hh}${mm}` };
}

// ---- Shared moves --------------------------------------------------------------------------

type Shop = 'Amazon' | 'eBay';

function searchShop(phone: Phone, shop: Shop, query: string, found = true): void {
  phone.tap('field', shopTyping(shop, ''));
  phone.type(query, shopTyping(shop, query));
  phone.tap('key:enter', found ? shopResults(shop, query) : shopNoResults(shop, query));
}

function searchSpotify(phone: Phone, song: string): void {
  phone.tap('tab:Search', spotifySearch('', false));
  phone.tap('field', spotifySearch('', true));
  phone.type(song, spotifySearch(song, true));
  phone.tap('key:enter', spotifyResults(song));
}

function checkWeather(phone: Phone, city: string): void {
  phone.open('Weather');
  phone.tap('icon:Search', weatherSearch(''));
  phone.type(city, weatherSearch(city));
  phone.tap(`row:${city}`, weatherCity(city));
}

/** Swipes a list up until `label`'s row is on screen (screenAt gives the list scrolled by n rows). */
function scrollToRow(phone: Phone, label: string, screenAt: (firstRow: number) => Screen): void {
  let first = phone.screen.firstRow ?? 0;
  const visible = () => layoutScreen(phone.screen).some((e) => e.id === `row:${label}`);
  while (!visible()) {
    first += SCROLL_ROWS;
    if (first > (phone.screen.rows?.length ?? 0)) throw new Error(`simulated phone: no row "${label}"`);
    phone.scroll('UP', screenAt(first));
  }
}

/** From the new-conversation list: the contact, then the chat. */
function pickContact(phone: Phone, contact: string, chat: Screen): void {
  scrollToRow(phone, contact, messagesPickContact);
  phone.tap(`row:${contact}`, chat);
}

function textContact(phone: Phone, contact: string, text: string): void {
  phone.open('Messages');
  phone.tap('fab', messagesPickContact());
  pickContact(phone, contact, messagesChat(contact));
  phone.tap('composer', messagesChat(contact, { focused: true }));
  phone.type(text, messagesChat(contact, { focused: true, draft: text }));
  phone.tap('btn:Send', messagesChat(contact, { focused: true, sent: [text] }));
}

function photo(label: string) {
  const found = PHOTOS.find((p) => p.label === label);
  if (!found) throw new Error(`simulated phone: no photo "${label}"`);
  return found;
}

// ---- Templates -----------------------------------------------------------------------------

export const TASK_TEMPLATES: readonly TaskTemplate[] = [
  // Web_Shopping
  {
    id: 'amazon-cart',
    category: 'Web_Shopping',
    apps: ['Amazon'],
    meta: 'Add {product} to the cart on Amazon.',
    instructions: [
      'Open Amazon, search for {product} and add it to the cart.',
      'Use Amazon to find {product} and put it in the shopping cart.',
    ],
    impossibleEvery: 8,
    slots: (rng, impossible) => ({ product: rng.pick(impossible ? UNAVAILABLE_PRODUCTS : PRODUCTS) }),
    run(phone, { product = '' }, impossible) {
      phone.open('Amazon');
      searchShop(phone, 'Amazon', product, !impossible);
      if (impossible) return phone.impossible(`Amazon has no results for ${product}.`);
      phone.tap(`row:${product}`, shopProduct('Amazon', product));
      phone.tap('btn:Add to cart', shopProduct('Amazon', product, 'Added to cart'));
      phone.complete('The item is in the cart.');
    },
  },
  {
    id: 'compare-prices',
    category: 'Web_Shopping',
    apps: ['Amazon', 'eBay'],
    meta: 'Compare the price of {product} on Amazon and eBay.',
    instructions: [
      'Look up {product} on Amazon, then check its price on eBay to compare.',
      'Compare what {product} costs on Amazon and on eBay.',
    ],
    slots: (rng) => ({ product: rng.pick(PRODUCTS) }),
    run(phone, { product = '' }) {
      for (const shop of ['Amazon', 'eBay'] as const) {
        phone.open(shop);
        searchShop(phone, shop, product);
        phone.tap(`row:${product}`, shopProduct(shop, product));
      }
      phone.complete('Both prices are on screen.');
    },
  },
  {
    id: 'ebay-watchlist',
    category: 'Web_Shopping',
    apps: ['eBay'],
    meta: 'Add the second listing for {product} on eBay to the watchlist.',
    instructions: [
      'On eBay, search for {product}, look at the first listing, go back and add the second listing to the watchlist.',
      'Search eBay for {product}, check the first result, then put the second result on your watchlist.',
    ],
    slots: (rng) => ({ product: rng.pick(PRODUCTS) }),
    run(phone, { product = '' }) {
      const [first = '', second = ''] = listingNames(product);
      phone.open('eBay');
      searchShop(phone, 'eBay', product);
      phone.tap(`row:${first}`, shopProduct('eBay', first));
      phone.back(shopResults('eBay', product, [first]));
      phone.tap(`row:${second}`, shopProduct('eBay', second));
      phone.tap('btn:Add to watchlist', shopProduct('eBay', second, 'Added to your watchlist'));
      phone.complete('The second listing is on the watchlist.');
    },
  },
  // General_Tool
  {
    id: 'alarm',
    category: 'General_Tool',
    apps: ['Clock'],
    meta: 'Set an alarm for {time}.',
    instructions: ['Open Clock and set an alarm for {time}.', 'Use the Clock app to add an alarm at {time}.'],
    slots: alarmTime,
    run(phone, { time = '', digits = '' }) {
      phone.open('Clock');
      phone.tap('tab:Alarm', clockAlarms());
      phone.tap('fab', clockAlarmDialog(''));
      phone.type(digits, clockAlarmDialog(digits));
      phone.tap('dialog:OK', clockAlarms(time));
      phone.complete(`An alarm is set for ${time}.`);
    },
  },
  {
    id: 'settings-switch',
    category: 'General_Tool',
    apps: ['Settings'],
    meta: 'Turn on {setting} in Settings.',
    instructions: ['Go to Settings and switch on {setting}.', 'Enable {setting} from the Settings app.'],
    slots: (rng) => {
      const { section, toggle } = rng.pick(SWITCHES);
      return { setting: toggle, section };
    },
    run(phone, { setting = '', section = '' }) {
      phone.open('Settings');
      scrollToRow(phone, section, settingsStart);
      phone.tap(`row:${section}`, settingsSection(section, SETTINGS_ON));
      phone.tap(`toggle:${setting}`, settingsSection(section, new Set([...SETTINGS_ON, setting])));
      phone.complete(`${setting} is on.`);
    },
  },
  {
    id: 'quick-settings',
    category: 'General_Tool',
    apps: [],
    meta: 'Turn on {tile} from quick settings.',
    instructions: [
      'Pull down the quick settings and turn on {tile}.',
      'Switch on {tile} using the quick settings panel.',
    ],
    slots: (rng) => ({ tile: rng.pick(QUICK_SETTINGS.filter((t) => !QUICK_SETTINGS_ON.has(t))) }),
    run(phone, { tile = '' }) {
      phone.openShade(QUICK_SETTINGS_ON);
      phone.tap(`qs:${tile}`, shadeScreen(new Set([...QUICK_SETTINGS_ON, tile])));
      phone.complete(`${tile} is on.`);
    },
  },
  {
    id: 'weather-timer',
    category: 'General_Tool',
    apps: ['Weather', 'Clock'],
    meta: 'Check the weather in {city}, then set a timer for {minutes} minutes.',
    instructions: [
      'Check the weather in {city} with Weather, then start a {minutes} minute timer in Clock.',
      'Look at the forecast for {city} in Weather and set a {minutes} minute timer with Clock.',
    ],
    slots: (rng) => ({ city: rng.pick(CITIES), minutes: rng.pick(MINUTES) }),
    run(phone, { city = '', minutes = '' }) {
      checkWeather(phone, city);
      phone.open('Clock');
      phone.tap('tab:Timer', clockTimer(''));
      phone.type(minutes, clockTimer(minutes));
      phone.tap('btn:Start', clockTimer(minutes, true));
      phone.complete('The timer is running.');
    },
  },
  // Information_Management
  {
    id: 'calendar-event',
    category: 'Information_Management',
    apps: ['Calendar'],
    meta: 'Add the event {title} on {day} to the calendar.',
    instructions: ['Create a Calendar event called {title} on {day}.', 'In Calendar, add {title} on {day}.'],
    slots: (rng) => ({ title: rng.pick(EVENTS), day: rng.pick(WEEKDAYS) }),
    run(phone, { title = '', day = '' }) {
      phone.open('Calendar');
      phone.tap('fab', calendarNewEvent('', undefined, true));
      phone.type(title, calendarNewEvent(title, undefined, true));
      phone.tap('row:Day', calendarDayPicker(title));
      phone.tap(`option:${day}`, calendarNewEvent(title, day, false));
      phone.tap('icon:Save', calendarStart({ title, day }));
      phone.complete('The event is in the calendar.');
    },
  },
  {
    id: 'pinned-note',
    category: 'Information_Management',
    apps: ['Keep Notes'],
    meta: 'Write the note {text} and pin it.',
    instructions: [
      'In Keep Notes, write a note saying "{text}" and pin it.',
      'Create a Keep Notes note "{text}" and pin it to the top.',
    ],
    slots: (rng) => ({ text: rng.pick(NOTES) }),
    run(phone, { text = '' }) {
      phone.open('Keep Notes');
      phone.tap('fab', notesEditor(''));
      phone.type(text, notesEditor(text));
      phone.back(notesStart({ added: text }));
      phone.longPress(`row:${text}`, notesStart({ added: text, selected: true }));
      phone.tap('icon:Pin', notesStart({ added: text, pinned: true }));
      phone.complete('The note is pinned.');
    },
  },
  {
    id: 'new-contact',
    category: 'Information_Management',
    apps: ['Contacts'],
    meta: 'Save {name} with the number {phone} in Contacts.',
    instructions: [
      'Add a new contact {name} with the phone number {phone}.',
      'In Contacts, create {name} with number {phone}.',
    ],
    slots: (rng) => ({ name: rng.pick(NEW_CONTACTS), phone: `555${rng.int(1000, 9999)}` }),
    run(phone, { name = '', phone: number = '' }) {
      phone.open('Contacts');
      phone.tap('fab', contactsCreate('', '', undefined));
      phone.tap('field:Name', contactsCreate('', '', 'Name'));
      phone.type(name, contactsCreate(name, '', 'Name'));
      phone.tap('field:Phone', contactsCreate(name, '', 'Phone'));
      phone.type(number, contactsCreate(name, number, 'Phone'));
      phone.tap('icon:Save', contactsStart(name));
      phone.complete(`${name} is saved.`);
    },
  },
  // Media_Entertainment
  {
    id: 'play-song',
    category: 'Media_Entertainment',
    apps: ['Spotify'],
    meta: 'Play {song} on Spotify.',
    instructions: ['Open Spotify, search for {song} and play it.', 'Play the song {song} with Spotify.'],
    slots: (rng) => ({ song: rng.pick(SONGS) }),
    run(phone, { song = '' }) {
      phone.open('Spotify');
      searchSpotify(phone, song);
      phone.tap(`row:${song}`, spotifyPlayer(song));
      phone.complete(`${song} is playing.`);
    },
  },
  {
    id: 'like-video',
    category: 'Media_Entertainment',
    apps: ['YouTube'],
    meta: 'Play {video} on YouTube and like it.',
    instructions: [
      'Find {video} on YouTube, play it and like it.',
      'Search YouTube for {video}, open the video and give it a like.',
    ],
    slots: (rng) => ({ video: rng.pick(VIDEOS) }),
    run(phone, { video = '' }) {
      phone.open('YouTube');
      phone.tap('icon:Search', youtubeSearch(''));
      phone.type(video, youtubeSearch(video));
      phone.tap('key:enter', youtubeResults(video));
      phone.tap(`row:${video}`, youtubePlayer(video, false));
      phone.tap('btn:Like', youtubePlayer(video, true));
      phone.complete('The video is liked.');
    },
  },
  {
    id: 'playlist',
    category: 'Media_Entertainment',
    apps: ['Spotify'],
    meta: 'Add {song} to the {playlist} playlist on Spotify.',
    instructions: [
      'On Spotify, add {song} to your {playlist} playlist.',
      'Put the song {song} in the {playlist} playlist using Spotify.',
    ],
    slots: (rng) => ({ song: rng.pick(SONGS), playlist: rng.pick(PLAYLISTS) }),
    run(phone, { song = '', playlist = '' }) {
      phone.open('Spotify');
      searchSpotify(phone, song);
      phone.longPress(`row:${song}`, spotifySongMenu(song));
      phone.tap('menu:Add to playlist', spotifyPlaylists());
      scrollToRow(phone, playlist, spotifyPlaylists);
      phone.tap(`row:${playlist}`, spotifyResults(song, `Added to ${playlist}`));
      phone.complete(`${song} is in ${playlist}.`);
    },
  },
  // Social_Sharing
  {
    id: 'post-x',
    category: 'Social_Sharing',
    apps: ['X'],
    meta: 'Post {text} on X.',
    instructions: ['Open X and post "{text}".', 'Share a post on X that says "{text}".'],
    slots: (rng) => ({ text: rng.pick(POSTS) }),
    run(phone, { text = '' }) {
      phone.open('X');
      phone.tap('fab', xCompose(''));
      phone.type(text, xCompose(text));
      phone.tap('icon:Post', xStart(text));
      phone.complete('The post is up.');
    },
  },
  {
    id: 'photo-message',
    category: 'Social_Sharing',
    apps: ['Photos', 'Messages'],
    meta: 'Send the {photo} photo to {contact} with Messages.',
    instructions: [
      'Open the {photo} photo in Photos and send it to {contact} via Messages.',
      'Share the {photo} picture from Photos with {contact} on Messages.',
    ],
    slots: (rng) => ({ photo: rng.pick(PHOTOS).label, contact: rng.pick(CONTACTS) }),
    run(phone, { photo: label = '', contact = '' }) {
      const picture = photo(label);
      phone.open('Photos');
      phone.tap(`tile:${label}`, photoView(picture));
      phone.tap('icon:Share', shareSheet(photoView(picture), SHARE_TARGETS));
      phone.tapInto('share:Messages', 'Messages', messagesPickContact());
      pickContact(phone, contact, messagesChat(contact, { attachment: picture.color }));
      phone.tap('btn:Send', messagesChat(contact, { sent: ['Photo'] }));
      phone.complete(`The photo was sent to ${contact}.`);
    },
  },
  {
    id: 'text-contact',
    category: 'Social_Sharing',
    apps: ['Messages'],
    meta: 'Text {contact} {text} on Messages.',
    instructions: ['Send {contact} the message "{text}" with Messages.', 'Use Messages to text {contact} "{text}".'],
    slots: (rng) => ({ contact: rng.pick(CONTACTS), text: rng.pick(MESSAGES) }),
    run(phone, { contact = '', text = '' }) {
      textContact(phone, contact, text);
      phone.complete(`The message was sent to ${contact}.`);
    },
  },
  {
    id: 'photo-post',
    category: 'Social_Sharing',
    apps: ['Photos', 'X'],
    meta: 'Share the {photo} photo on X with the caption {text}.',
    instructions: [
      'In Photos, long-press the {photo} photo and share it on X with the caption "{text}".',
      'Select the {photo} photo in Photos and post it to X saying "{text}".',
    ],
    slots: (rng) => ({ photo: rng.pick(PHOTOS).label, text: rng.pick(POSTS) }),
    run(phone, { photo: label = '', text = '' }) {
      const picture = photo(label);
      phone.open('Photos');
      phone.longPress(`tile:${label}`, photosStart(label));
      phone.tap('icon:Share', shareSheet(photosStart(label), SHARE_TARGETS));
      phone.tapInto('share:X', 'X', xCompose('', picture.color));
      phone.type(text, xCompose(text, picture.color));
      phone.tap('icon:Post', xStart(text));
      phone.complete('The photo is posted.');
    },
  },
  // Multi_Apps
  {
    id: 'search-share',
    category: 'Multi_Apps',
    apps: ['Chrome', 'Messages'],
    meta: 'Search for {query} and send the page to {contact} via Messages.',
    instructions: [
      'Search for {query} in Chrome and send the first result to {contact} with Messages.',
      'Use Chrome to look up {query}, open the top result and share it with {contact} on Messages.',
    ],
    slots: (rng) => ({ query: rng.pick(QUERIES), contact: rng.pick(CONTACTS) }),
    run(phone, { query = '', contact = '' }) {
      const [top = ''] = webResults(query);
      phone.open('Chrome');
      phone.tap('field', chromeTyping(''));
      phone.type(query, chromeTyping(query));
      phone.tap('key:enter', chromeResults(query));
      phone.tap(`row:${top}`, chromePage(top));
      phone.tap('icon:Share', shareSheet(chromePage(top), SHARE_TARGETS));
      phone.tapInto('share:Messages', 'Messages', messagesPickContact());
      pickContact(phone, contact, messagesChat(contact, { attachment: '#cfd8dc' }));
      phone.tap('btn:Send', messagesChat(contact, { sent: ['Link'] }));
      phone.complete(`The page was sent to ${contact}.`);
    },
  },
  {
    id: 'weather-message',
    category: 'Multi_Apps',
    apps: ['Weather', 'Messages'],
    meta: 'Check the weather in {city} and text {contact} {text}.',
    instructions: [
      'Check the weather in {city} with Weather, then text {contact} "{text}" on Messages.',
      'Look up {city} in Weather and send {contact} the message "{text}" with Messages.',
    ],
    slots: (rng) => ({ city: rng.pick(CITIES), contact: rng.pick(CONTACTS), text: rng.pick(MESSAGES) }),
    run(phone, { city = '', contact = '', text = '' }) {
      checkWeather(phone, city);
      textContact(phone, contact, text);
      phone.complete(`${contact} got the message.`);
    },
  },
  {
    id: 'song-note',
    category: 'Multi_Apps',
    apps: ['Spotify', 'Keep Notes'],
    meta: 'Find {song} on Spotify and write it down in Keep Notes.',
    instructions: [
      'Search Spotify for {song}, then save the song title in a new Keep Notes note.',
      'Find {song} on Spotify and write its name down in Keep Notes.',
    ],
    slots: (rng) => ({ song: rng.pick(SONGS) }),
    run(phone, { song = '' }) {
      phone.open('Spotify');
      searchSpotify(phone, song);
      phone.open('Keep Notes');
      phone.tap('fab', notesEditor(''));
      phone.type(song, notesEditor(song));
      phone.back(notesStart({ added: song }));
      phone.complete('The song is noted.');
    },
  },
  {
    id: 'product-task',
    category: 'Multi_Apps',
    apps: ['Amazon', 'TickTick'],
    meta: 'Look up {product} on Amazon and add a task to buy it in TickTick.',
    instructions: [
      'Check {product} on Amazon, then add the task "Buy {product}" in TickTick.',
      'Find {product} on Amazon and create a TickTick task "Buy {product}".',
    ],
    slots: (rng) => ({ product: rng.pick(PRODUCTS) }),
    run(phone, { product = '' }) {
      const task = `Buy ${product}`;
      phone.open('Amazon');
      searchShop(phone, 'Amazon', product);
      phone.tap(`row:${product}`, shopProduct('Amazon', product));
      phone.open('TickTick');
      phone.tap('fab', tickAdd(''));
      phone.type(task, tickAdd(task));
      phone.tap('btn:Add', tickStart(task));
      phone.complete('The task is added.');
    },
  },
];

/** `meta` with its placeholders as `{}` (GUI-Odyssey's meta_task) and filled in (its task). */
export function fillTemplate(text: string, slots: Slots): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`task template: no value for {${name}} in "${text}"`);
    return value;
  });
}

export const metaTask = (template: TaskTemplate) => template.meta.replace(/\{\w+\}/g, '{}');
