#include "domain/starter_topics.hpp"

#include <string>

namespace conv::domain {
namespace {

struct starter {
  const char* language;
  cefr_level level;
  const char* title;
  const char* description;
  const char* category;
  int minutes;
  std::initializer_list<const char*> questions;
};

using enum cefr_level;

// Written in the language practised, at the level's reach.
const starter catalogue[] = {
    // English
    {"en",
     a1,
     "Meeting someone new",
     "Say who you are and ask about your partner.",
     "everyday",
     5,
     {"What is your name?", "Where are you from?", "What do you do every day?"}},
    {"en",
     a2,
     "My weekend",
     "Talk about what you did and what you like to do.",
     "leisure",
     8,
     {"What did you do last weekend?", "Do you prefer the city or the countryside?",
      "What is your favourite food?"}},
    {"en",
     b1,
     "A trip to remember",
     "Share a journey and what made it special.",
     "travel",
     10,
     {"Where was the best trip you have taken?",
      "What went wrong on a trip, and how did you solve it?", "Where would you like to go next?"}},
    {"en",
     b2,
     "Working from home",
     "Weigh the pros and cons of remote work.",
     "work",
     12,
     {"Would you rather work from home or in an office? Why?",
      "How does remote work change friendships at work?", "What makes a good manager?"}},
    {"en",
     c1,
     "Social media and attention",
     "Discuss how platforms shape what we notice.",
     "society",
     15,
     {"Has social media changed how you read or think?",
      "Should platforms be responsible for what spreads on them?",
      "What would a healthier online space look like?"}},
    {"en",
     c2,
     "Ethics of artificial intelligence",
     "Debate who answers for the decisions machines make.",
     "ideas",
     20,
     {"Who should be accountable when an algorithm causes harm?",
      "Is it ever acceptable for AI to imitate a human without saying so?",
      "Which decisions should always stay human?"}},
    // French
    {"fr",
     a1,
     "Se présenter",
     "Dites qui vous êtes et posez des questions à votre partenaire.",
     "everyday",
     5,
     {"Comment tu t'appelles ?", "Tu habites où ?", "Qu'est-ce que tu aimes manger ?"}},
    {"fr",
     a2,
     "Ma journée",
     "Racontez une journée ordinaire.",
     "everyday",
     8,
     {"À quelle heure tu te lèves ?", "Qu'est-ce que tu fais le soir ?",
      "Quel est ton jour préféré de la semaine ?"}},
    {"fr",
     b1,
     "Les vacances",
     "Parlez d'un voyage passé et de vos projets.",
     "travel",
     10,
     {"Où es-tu parti pendant tes dernières vacances ?", "Tu préfères la mer ou la montagne ?",
      "Quel pays aimerais-tu découvrir ?"}},
    {"fr",
     b2,
     "Le travail idéal",
     "Qu'est-ce qui rend un travail satisfaisant ?",
     "work",
     12,
     {"Qu'est-ce qui compte le plus pour toi dans un travail ?",
      "Faut-il aimer son métier pour bien le faire ?",
      "Comment vois-tu le travail dans dix ans ?"}},
    {"fr",
     c1,
     "La ville de demain",
     "Imaginez les villes des prochaines décennies.",
     "society",
     15,
     {"Faut-il interdire les voitures dans les centres-villes ?",
      "Comment rendre une ville plus humaine ?", "La vie à la campagne est-elle l'avenir ?"}},
    {"fr",
     c2,
     "Liberté et sécurité",
     "Jusqu'où peut-on sacrifier l'une à l'autre ?",
     "ideas",
     20,
     {"La surveillance rend-elle une société plus sûre ou moins libre ?",
      "Peut-on tout dire au nom de la liberté d'expression ?", "Qui doit fixer les limites ?"}},
    // Spanish
    {"es",
     a1,
     "Presentarse",
     "Di quién eres y pregunta a tu compañero.",
     "everyday",
     5,
     {"¿Cómo te llamas?", "¿De dónde eres?", "¿Qué te gusta hacer?"}},
    {"es",
     a2,
     "La comida",
     "Habla de lo que comes y cocinas.",
     "food",
     8,
     {"¿Qué desayunas normalmente?", "¿Cuál es tu plato favorito?",
      "¿Sabes cocinar algo especial?"}},
    {"es",
     b1,
     "Un viaje inolvidable",
     "Cuenta un viaje y lo que aprendiste.",
     "travel",
     10,
     {"¿Cuál ha sido tu mejor viaje?", "¿Prefieres viajar solo o acompañado?",
      "¿Qué lugar te gustaría visitar?"}},
    {"es",
     b2,
     "Estudiar y trabajar",
     "¿Cómo se combinan los estudios y el trabajo?",
     "work",
     12,
     {"¿Es mejor estudiar primero y trabajar después?",
      "¿Qué has aprendido en tu trabajo que no se enseña en clase?",
      "¿Cómo será el trabajo del futuro?"}},
    {"es",
     c1,
     "El turismo masivo",
     "Ventajas y problemas del turismo para las ciudades.",
     "society",
     15,
     {"¿El turismo ayuda o perjudica a los barrios?",
      "¿Deberían las ciudades limitar el número de visitantes?",
      "¿Qué es para ti un turismo responsable?"}},
    {"es",
     c2,
     "La identidad y la lengua",
     "¿Somos distintos cuando hablamos otro idioma?",
     "culture",
     20,
     {"¿Cambia tu personalidad cuando hablas otro idioma?",
      "¿Debe protegerse una lengua minoritaria?", "¿Qué se pierde en una traducción?"}},
    // German
    {"de",
     a1,
     "Sich vorstellen",
     "Sag, wer du bist, und frag deinen Partner.",
     "everyday",
     5,
     {"Wie heißt du?", "Woher kommst du?", "Was machst du gern?"}},
    {"de",
     a2,
     "Freizeit",
     "Sprecht über Hobbys und das Wochenende.",
     "leisure",
     8,
     {"Was machst du am Wochenende?", "Treibst du Sport?", "Was hast du gestern Abend gemacht?"}},
    {"de",
     b1,
     "Reisen",
     "Erzähl von einer Reise und deinen Plänen.",
     "travel",
     10,
     {"Wohin bist du zuletzt gereist?", "Fährst du lieber mit dem Zug oder mit dem Auto?",
      "Welches Land möchtest du kennenlernen?"}},
    {"de",
     b2,
     "Arbeit und Freizeit",
     "Wie findet man das richtige Gleichgewicht?",
     "work",
     12,
     {"Arbeitest du lieber im Büro oder zu Hause?", "Sollte es eine Vier-Tage-Woche geben?",
      "Was bedeutet Erfolg für dich?"}},
    {"de",
     c1,
     "Umwelt im Alltag",
     "Was kann jeder Einzelne tun, und was nicht?",
     "society",
     15,
     {"Was tust du im Alltag für die Umwelt?",
      "Reicht persönliches Handeln, oder braucht es Gesetze?", "Ist Fliegen noch vertretbar?"}},
    {"de",
     c2,
     "Kunst und Künstliche Intelligenz",
     "Kann eine Maschine kreativ sein?",
     "ideas",
     20,
     {"Ist ein von KI erzeugtes Bild Kunst?",
      "Wem gehört ein Werk, das eine Maschine geschaffen hat?",
      "Was macht menschliche Kreativität aus?"}},
    // Italian and Brazilian Portuguese
    {"it",
     a1,
     "Presentarsi",
     "Di' chi sei e fai domande al tuo compagno.",
     "everyday",
     5,
     {"Come ti chiami?", "Di dove sei?", "Che cosa ti piace fare?"}},
    {"it",
     b1,
     "Il cibo italiano",
     "Parlate di piatti, ricette e abitudini.",
     "food",
     10,
     {"Qual è il tuo piatto preferito?", "Cucini spesso a casa?", "Che cosa mangi la domenica?"}},
    {"it",
     c1,
     "Vivere all'estero",
     "Vantaggi e difficoltà di cambiare paese.",
     "culture",
     15,
     {"Vivresti in un altro paese?", "Che cosa ti mancherebbe di più?",
      "Come si impara davvero una cultura?"}},
    {"pt-BR",
     a1,
     "Se apresentar",
     "Diga quem você é e pergunte ao seu parceiro.",
     "everyday",
     5,
     {"Qual é o seu nome?", "De onde você é?", "O que você gosta de fazer?"}},
    {"pt-BR",
     b1,
     "Música brasileira",
     "Conversem sobre músicas e artistas.",
     "culture",
     10,
     {"Que tipo de música você ouve?", "Você conhece algum artista brasileiro?",
      "Qual música lembra a sua infância?"}},
    {"pt-BR",
     c1,
     "Cidades e natureza",
     "Como as cidades podem conviver com a natureza?",
     "society",
     15,
     {"Sua cidade tem áreas verdes suficientes?", "O que fazer com o trânsito nas grandes cidades?",
      "Você moraria no campo?"}},
};

std::string id_for(const starter& s, int n) {
  std::string lang = s.language;
  for (auto& c : lang)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string level(level_name(s.level));
  for (auto& c : level)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return "starter-" + lang + "-" + level + "-" + std::to_string(n);
}

}  // namespace

std::vector<topic> starter_topics(timestamp created_at) {
  std::vector<topic> topics;
  for (const auto& s : catalogue) {
    int n = 1;
    for (const auto& t : topics)
      if (t.target_language_code == s.language && t.level == s.level) ++n;
    topic t;
    t.id = id_for(s, n);
    t.target_language_code = s.language;
    t.level = s.level;
    t.title = s.title;
    t.description = s.description;
    for (const char* q : s.questions)
      t.prompt_questions.emplace_back(q);
    t.category = s.category;
    t.estimated_duration_minutes = s.minutes;
    t.is_active = true;
    t.created_at = created_at;
    topics.push_back(std::move(t));
  }
  return topics;
}

}  // namespace conv::domain
